export { ACCEPTANCE_QUERY_FIELDS, findAcceptances, type FindAcceptancesOptions } from './find.js';
export { HASH_EXPLANATION } from './describe.js';
export { dayWindow, TERMS_EVENT } from './mixpanel-check.js';
export { escapeHtml, renderHtml } from './render-html.js';
export { renderText } from './render-text.js';
export type {
  AcceptanceEvidence,
  DayWindow,
  EvidenceReport,
  EvidenceSubject,
  FieldMismatch,
  FoundEvent,
  MixpanelEventCheck,
  Verdict,
} from './types.js';

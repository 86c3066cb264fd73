import { EVIDENCE_FIELDS } from '../evidence-hash.js';
import type { AcceptanceEvidence, EvidenceReport, EvidenceSubject, MixpanelEventCheck } from './types.js';

/** How the canonical hash works, in one sentence (shown in the HTML report and the docs). */
export const HASH_EXPLANATION =
  `The evidence hash is the SHA-256 (hex) of the JSON array [${EVIDENCE_FIELDS.join(', ')}] — ` +
  'absent values as null, accepted_at in UTC ISO 8601 with milliseconds, email and IPv6 in lower case — ' +
  'stored with the record when it was created, so recomputing it from the record today ' +
  'and getting the same value shows that none of these fields has been edited since.';

export function subjectLabel(subject: EvidenceSubject): string {
  return 'email' in subject ? `email ${subject.email}` : `user id ${subject.userId}`;
}

/** `2026-01-31T09:15:00.000Z` → `2026-01-31 09:15:00` (UTC). */
export function shortInstant(iso: string | null): string {
  return iso === null ? '—' : iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
}

export function hashSummary(acceptance: AcceptanceEvidence): string {
  if (acceptance.evidenceHash.stored === null) return 'missing';
  return acceptance.hashValid ? 'valid' : 'EDITED';
}

export function mixpanelSummary(check: MixpanelEventCheck): string {
  if (check.status === 'missing') return 'missing';
  if (check.status === 'error') return 'not checked';
  return check.mismatches.length === 0 ? 'found, agrees' : 'found, DISAGREES';
}

/** One sentence per flag, naming what to look at; empty when verified. */
export function reasons(acceptance: AcceptanceEvidence): string[] {
  const out: string[] = [];
  const check = acceptance.mixpanelEvent;
  for (const verdict of acceptance.verdicts) {
    switch (verdict) {
      case 'EDITED SINCE RECORDED':
        out.push(
          'the record no longer matches the evidence hash stored when it was created: ' +
            'an evidence field was edited since (see the field history in Salesforce)',
        );
        break;
      case 'NO EVIDENCE HASH':
        out.push('the record has no Evidence_Hash__c, so edits cannot be ruled out');
        break;
      case 'NO MIXPANEL EVENT':
        out.push(
          check.window
            ? `no Terms Accepted event with acceptance_id ${acceptance.acceptanceId ?? '—'} ` +
                `in Mixpanel from ${check.window.fromDate} to ${check.window.toDate}`
            : 'the record has no acceptance id or accepted-at time to look its Mixpanel event up by',
        );
        break;
      case 'MIXPANEL EVENT DISAGREES':
        if (check.status === 'found') {
          const differences = check.mismatches.map(
            (m) => `${m.field} record ${m.record ?? '—'} vs event ${m.event ?? '—'}`,
          );
          out.push(`the Mixpanel event differs from the record: ${differences.join('; ')}`);
        }
        break;
      case 'MIXPANEL NOT CHECKED':
        if (check.status === 'error') out.push(`Mixpanel could not be read: ${check.message}`);
        break;
      case 'OK':
        break;
    }
  }
  return out;
}

export function summaryLine(report: EvidenceReport): string {
  const total = report.acceptances.length;
  if (total === 0) return 'Result: NOT VERIFIED — no terms acceptance found.';
  const ok = report.acceptances.filter((acceptance) => acceptance.verified).length;
  return report.verified
    ? `Result: VERIFIED — ${total === 1 ? 'the acceptance verifies' : `all ${total} acceptances verify`}.`
    : `Result: NOT VERIFIED — ${ok} of ${total} acceptance${total === 1 ? '' : 's'} verified, ${total - ok} flagged.`;
}

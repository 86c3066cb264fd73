import type { MixpanelExportReader } from '../../clients/mixpanel/export.js';
import type { SalesforceGateway } from '../../clients/salesforce/gateway.js';
import {
  canonicalEvidence,
  EVIDENCE_RECORD_FIELDS,
  evidenceFromRecord,
  evidenceHash,
  type Evidence,
} from '../evidence-hash.js';
import { checkEvents, type CheckOptions, type EventTarget } from './mixpanel-check.js';
import type { AcceptanceEvidence, EvidenceReport, EvidenceSubject, MixpanelEventCheck, Verdict } from './types.js';
import { textOrNull } from '../../text.js';

const OBJECT = 'Terms_Acceptance__c';
/** The evidence fields plus what identifies and links the record. */
export const ACCEPTANCE_QUERY_FIELDS = [
  'Id',
  'Name',
  'CreatedDate',
  'Contact__c',
  'Account__c',
  'Evidence_Hash__c',
  ...Object.values(EVIDENCE_RECORD_FIELDS),
];

export interface FindAcceptancesOptions extends CheckOptions {
  salesforce: Pick<SalesforceGateway, 'queryWhereIn'>;
  mixpanel: MixpanelExportReader;
  by: EvidenceSubject;
  /** The org's URL (My Domain); record links are `{instanceUrl}/{Id}`. */
  instanceUrl?: string;
  /** Where the data comes from, shown in the report. */
  sources?: EvidenceReport['sources'];
  now?: () => Date;
}

/**
 * Everything that proves one person's terms acceptances: each `Terms_Acceptance__c` of the email
 * or app user id, its evidence hash recomputed from the record (`evidenceHash(evidenceFromRecord(r))`
 * against the stored `Evidence_Hash__c`), and its `Terms Accepted` event in Mixpanel (found by
 * `acceptance_id` in the accepted-at day ± 1, and compared with the record). Oldest first.
 */
export async function findAcceptances(options: FindAcceptancesOptions): Promise<EvidenceReport> {
  const now = options.now ?? (() => new Date());
  const [field, value] =
    'email' in options.by
      ? ['Email__c', options.by.email.trim().toLowerCase()]
      : ['App_User_Id__c', options.by.userId.trim()];
  const records = await options.salesforce.queryWhereIn<Record<string, unknown>>(
    OBJECT,
    ACCEPTANCE_QUERY_FIELDS,
    field,
    [value],
  );
  const read = records.map((record) => readRecord(record, options.instanceUrl));

  const targets: EventTarget[] = read.flatMap(({ evidence }) =>
    evidence.acceptance_id && evidence.accepted_at
      ? [
          {
            acceptanceId: evidence.acceptance_id,
            acceptedAt: evidence.accepted_at,
            userId: evidence.user_id,
            ipAddress: evidence.ip,
            termsVersion: evidence.terms_version,
            termsSha256: evidence.terms_sha256,
          },
        ]
      : [],
  );
  const checks =
    targets.length > 0 ? await checkEvents(options.mixpanel, targets, options) : new Map<string, MixpanelEventCheck>();

  const acceptances = read
    .map(({ partial, evidence }) =>
      withVerdicts({
        ...partial,
        mixpanelEvent: checks.get(evidence.acceptance_id ?? '') ?? { status: 'missing', window: null },
      }),
    )
    .sort(
      (a, b) =>
        (a.acceptedAt ?? '\uffff').localeCompare(b.acceptedAt ?? '\uffff') ||
        (a.salesforce.name ?? '').localeCompare(b.salesforce.name ?? ''),
    );
  return {
    subject: options.by,
    generatedAt: now().toISOString(),
    sources: options.sources ?? {},
    acceptances,
    verified: acceptances.length > 0 && acceptances.every((acceptance) => acceptance.verified),
  };
}

type RecordPart = Omit<AcceptanceEvidence, 'mixpanelEvent' | 'verdicts' | 'verified'>;

function readRecord(
  record: Record<string, unknown>,
  instanceUrl: string | undefined,
): { partial: RecordPart; evidence: Evidence } {
  let evidence: Evidence | undefined;
  try {
    evidence = evidenceFromRecord(record);
  } catch {
    // An unreadable Accepted_At__c: nothing to hash, so nothing verifies.
  }
  const recomputed = evidence ? evidenceHash(evidence) : null;
  const stored = textOrNull(record.Evidence_Hash__c);
  const id = String(record.Id);
  const shown = evidence ?? evidenceFromRecord({ ...record, Accepted_At__c: null });
  return {
    evidence: shown,
    partial: {
      acceptanceId: shown.acceptance_id,
      userId: shown.user_id,
      email: shown.email,
      accountId: shown.account_id,
      termsVersion: shown.terms_version,
      acceptedAt: shown.accepted_at,
      ipAddress: shown.ip,
      userAgent: shown.user_agent,
      termsUrl: shown.terms_url,
      termsSha256: shown.terms_sha256,
      salesforce: {
        id,
        name: textOrNull(record.Name),
        createdDate: isoDateTime(textOrNull(record.CreatedDate)),
        link: instanceUrl ? `${instanceUrl.replace(/\/+$/, '')}/${id}` : null,
        contactId: textOrNull(record.Contact__c),
        accountId: textOrNull(record.Account__c),
      },
      evidenceHash: { stored, recomputed, canonical: evidence ? canonicalEvidence(evidence) : null },
      hashValid: stored !== null && recomputed !== null && stored === recomputed,
    },
  };
}

function withVerdicts(acceptance: Omit<AcceptanceEvidence, 'verdicts' | 'verified'>): AcceptanceEvidence {
  const verdicts: Verdict[] = [];
  if (acceptance.evidenceHash.stored === null) verdicts.push('NO EVIDENCE HASH');
  else if (!acceptance.hashValid) verdicts.push('EDITED SINCE RECORDED');
  const check = acceptance.mixpanelEvent;
  if (check.status === 'missing') verdicts.push('NO MIXPANEL EVENT');
  else if (check.status === 'error') verdicts.push('MIXPANEL NOT CHECKED');
  else if (check.mismatches.length > 0) verdicts.push('MIXPANEL EVENT DISAGREES');
  return { ...acceptance, verdicts: verdicts.length > 0 ? verdicts : ['OK'], verified: verdicts.length === 0 };
}

/** Salesforce's `2026-01-31T09:15:00.000+0000` as `2026-01-31T09:15:00.000Z`. */
function isoDateTime(value: string | null): string | null {
  if (value === null) return null;
  const parsed = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(parsed) ? value : new Date(parsed).toISOString();
}

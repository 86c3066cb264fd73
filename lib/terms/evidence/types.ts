/** Whose acceptances to prove: by the email recorded with them, or by the app user id. */
export type EvidenceSubject = { email: string } | { userId: string };

/** Days searched in Mixpanel, `YYYY-MM-DD`, inclusive. */
export interface DayWindow {
  fromDate: string;
  toDate: string;
}

/** A field the Mixpanel event and the Salesforce record disagree on. */
export interface FieldMismatch {
  /** The event property, e.g. `accepted_ip`. */
  field: string;
  record: string | null;
  event: string | null;
}

/** The `Terms Accepted` event found for an acceptance, as exported. */
export interface FoundEvent {
  /** Event time as exported (seconds), and as UTC ISO 8601. */
  time: number;
  timeIso: string;
  distinctId: string | null;
  insertId: string | null;
  acceptedIp: string | null;
  termsVersion: string | null;
  termsSha256: string | null;
  salesforceRecordId: string | null;
}

/** Whether the acceptance's timeline event is in Mixpanel and agrees with the record. */
export type MixpanelEventCheck =
  | { status: 'found'; window: DayWindow; event: FoundEvent; mismatches: FieldMismatch[] }
  | { status: 'missing'; window: DayWindow | null }
  | { status: 'error'; window: DayWindow | null; message: string };

/** Why an acceptance is not verified; `OK` when nothing is. */
export type Verdict =
  | 'OK'
  | 'EDITED SINCE RECORDED'
  | 'NO EVIDENCE HASH'
  | 'NO MIXPANEL EVENT'
  | 'MIXPANEL EVENT DISAGREES'
  | 'MIXPANEL NOT CHECKED';

/** One `Terms_Acceptance__c` record with its verification. */
export interface AcceptanceEvidence {
  acceptanceId: string | null;
  userId: string | null;
  email: string | null;
  accountId: string | null;
  termsVersion: string | null;
  /** UTC ISO 8601 with milliseconds, as hashed. */
  acceptedAt: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  termsUrl: string | null;
  /** SHA-256 of the terms text shown: proves which words were accepted. */
  termsSha256: string | null;
  salesforce: {
    id: string;
    name: string | null;
    createdDate: string | null;
    /** Instance URL + `/` + Id, when the instance URL is known. */
    link: string | null;
    contactId: string | null;
    accountId: string | null;
  };
  evidenceHash: {
    /** `Evidence_Hash__c` as stored at creation. */
    stored: string | null;
    /** SHA-256 of the canonical evidence recomputed from the record now. */
    recomputed: string | null;
    /** The canonical serialisation that was hashed, for checking by hand. */
    canonical: string | null;
  };
  /** The recomputed hash equals the stored one: no evidence field was edited since recording. */
  hashValid: boolean;
  mixpanelEvent: MixpanelEventCheck;
  /** `['OK']`, or every reason it is flagged. */
  verdicts: Verdict[];
  verified: boolean;
}

export interface EvidenceReport {
  subject: EvidenceSubject;
  /** UTC ISO 8601. */
  generatedAt: string;
  /** Where the data was read (shown in the report), e.g. the Salesforce and Mixpanel URLs. */
  sources: { salesforce?: string; mixpanel?: string };
  /** Sorted by accepted_at, oldest first. */
  acceptances: AcceptanceEvidence[];
  /** At least one acceptance, and every one verified. */
  verified: boolean;
}

import { createHash } from 'node:crypto';
import { textOrNull } from '../text.js';
import type { TermsAcceptance } from './acceptance.js';

/** The evidence fields, in the order they are hashed. */
export const EVIDENCE_FIELDS = [
  'acceptance_id',
  'user_id',
  'email',
  'account_id',
  'terms_version',
  'accepted_at',
  'ip',
  'user_agent',
  'terms_url',
  'terms_sha256',
] as const;

export type Evidence = Record<(typeof EVIDENCE_FIELDS)[number], string | null>;

/**
 * The canonical serialisation of an acceptance: a JSON array of the evidence fields in the fixed
 * order above, absent ones as null, `accepted_at` as UTC ISO 8601 with milliseconds, email and
 * IPv6 in lower case. Anyone can recompute it from the record to check nothing was edited.
 */
export function canonicalEvidence(evidence: Evidence): string {
  return JSON.stringify(EVIDENCE_FIELDS.map((field) => evidence[field] ?? null));
}

/** SHA-256 (hex) of the canonical evidence: stored with the record as `Evidence_Hash__c`. */
export function evidenceHash(evidence: Evidence): string {
  return createHash('sha256').update(canonicalEvidence(evidence)).digest('hex');
}

export function evidenceOf(acceptance: TermsAcceptance): Evidence {
  return {
    acceptance_id: acceptance.acceptance_id,
    user_id: acceptance.user_id,
    email: acceptance.email,
    account_id: acceptance.account_id,
    terms_version: acceptance.terms_version,
    accepted_at: acceptance.accepted_at,
    ip: acceptance.ip,
    user_agent: acceptance.user_agent,
    terms_url: acceptance.terms_url ?? null,
    terms_sha256: acceptance.terms_sha256 ?? null,
  };
}

/** Salesforce field of each evidence field on `Terms_Acceptance__c`. */
export const EVIDENCE_RECORD_FIELDS: Record<keyof Evidence, string> = {
  acceptance_id: 'Acceptance_Id__c',
  user_id: 'App_User_Id__c',
  email: 'Email__c',
  account_id: 'App_Account_Id__c',
  terms_version: 'Terms_Version__c',
  accepted_at: 'Accepted_At__c',
  ip: 'IP_Address__c',
  user_agent: 'User_Agent__c',
  terms_url: 'Terms_Url__c',
  terms_sha256: 'Terms_Sha256__c',
};

/** The evidence fields of a `Terms_Acceptance__c` record and the hash that seals them (absent fields left out). */
export function evidenceRecordFields(acceptance: TermsAcceptance): Record<string, unknown> {
  const evidence = evidenceOf(acceptance);
  const record: Record<string, unknown> = { Evidence_Hash__c: evidenceHash(evidence) };
  for (const [field, column] of Object.entries(EVIDENCE_RECORD_FIELDS)) {
    const value = evidence[field as keyof Evidence];
    if (value !== null) record[column] = value;
  }
  return record;
}

/**
 * The evidence as a stored record holds it, for re-hashing. Salesforce returns date-times as
 * `2026-01-31T09:15:00.000+0000`; they are read back to the same UTC ISO form that was hashed.
 */
export function evidenceFromRecord(record: Record<string, unknown>): Evidence {
  const value = (field: string): string | null => textOrNull(record[field]);
  const acceptedAt = value('Accepted_At__c');
  return {
    acceptance_id: value('Acceptance_Id__c'),
    user_id: value('App_User_Id__c'),
    email: value('Email__c'),
    account_id: value('App_Account_Id__c'),
    terms_version: value('Terms_Version__c'),
    accepted_at:
      acceptedAt === null ? null : new Date(acceptedAt.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString(),
    ip: value('IP_Address__c'),
    user_agent: value('User_Agent__c'),
    terms_url: value('Terms_Url__c'),
    terms_sha256: value('Terms_Sha256__c'),
  };
}

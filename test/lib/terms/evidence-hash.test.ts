import { createHash } from 'node:crypto';
import { TermsAcceptance } from '../../../lib/terms/acceptance.js';
import {
  canonicalEvidence,
  evidenceFromRecord,
  evidenceHash,
  evidenceOf,
  EVIDENCE_RECORD_FIELDS,
} from '../../../lib/terms/evidence-hash.js';
import { acceptanceBody } from '../../support/terms.js';

describe('evidence hash', () => {
  const acceptance = TermsAcceptance.parse(acceptanceBody(7, { terms_url: undefined }));

  it('hashes a fixed-order JSON array of the evidence, absent fields as null', () => {
    const expected = JSON.stringify([
      'acc-7',
      'u_000007',
      'user000007@example.com',
      'acc_000001',
      '2026-01',
      '2026-11-20T09:15:00.000Z',
      '203.0.113.7',
      acceptance.user_agent,
      null,
      'a'.repeat(64),
    ]);

    expect(canonicalEvidence(evidenceOf(acceptance))).toBe(expected);
    expect(evidenceHash(evidenceOf(acceptance))).toBe(createHash('sha256').update(expected).digest('hex'));
  });

  it('reads back the same evidence from a record as Salesforce returns it', () => {
    const evidence = evidenceOf(acceptance);
    const record: Record<string, unknown> = {};
    for (const [field, column] of Object.entries(EVIDENCE_RECORD_FIELDS))
      record[column] = evidence[field as keyof typeof evidence];
    record.Accepted_At__c = '2026-11-20T09:15:00.000+0000';

    expect(evidenceHash(evidenceFromRecord(record))).toBe(evidenceHash(evidence));
  });

  it('changes when any evidence field changes', () => {
    const edited = { ...evidenceOf(acceptance), ip: '203.0.113.8' };

    expect(evidenceHash(edited)).not.toBe(evidenceHash(evidenceOf(acceptance)));
  });
});

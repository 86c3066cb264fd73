import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, caseFor, connect, startTestOrg } from './factories.js';

const KEY = 'Zendesk_Ticket_Id__c';
const STAMP = 'Zendesk_Updated_At__c';
const upsertCases = (sf: SalesforceEmulator, records: unknown[], allOrNone = false) =>
  api(sf, 'PATCH', `/composite/sobjects/Case/${KEY}`, { allOrNone, records });
const stale = {
  statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  message: expect.stringContaining('SWITCHBOARD_STALE_UPDATE') as unknown,
  fields: [STAMP],
};

describe('Salesforce emulator validation rules (Case Zendesk_Stale_Update from the metadata)', () => {
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startTestOrg();
  });
  afterEach(async () => sf.stop());

  it('refuses, in a collections upsert, an update older than the stored Zendesk_Updated_At__c', async () => {
    await upsertCases(sf, [caseFor(1, { Status: 'New', [STAMP]: '2026-01-01T10:00:00Z' })]);
    await upsertCases(sf, [caseFor(1, { Status: 'Closed', [STAMP]: '2026-01-01T11:00:00Z' })]);

    const replay = await upsertCases(sf, [
      caseFor(1, { Status: 'New', [STAMP]: '2026-01-01T10:00:00Z' }),
      caseFor(2, { [STAMP]: '2026-01-01T09:00:00Z' }),
    ]);

    expect(replay.status).toBe(200);
    // An UpsertResult has no id when the record failed.
    expect(replay.body).toEqual([
      { success: false, errors: [stale] },
      { id: expect.stringMatching(/^500/), success: true, errors: [], created: true },
    ]);
    expect(sf.findByExternalId('Case', KEY, '1')).toMatchObject({
      Status: 'Closed',
      [STAMP]: '2026-01-01T11:00:00.000+0000',
    });
  });

  it('lets a newer or equal version, a first version and edits without the field through', async () => {
    const id = sf.insert('Case', { [KEY]: '1', Subject: 'no version yet' });

    const results = [
      await upsertCases(sf, [caseFor(1, { [STAMP]: '2026-01-01T10:00:00Z' })]),
      await upsertCases(sf, [caseFor(1, { [STAMP]: '2026-01-01T10:00:00+00:00', Subject: 'same instant' })]),
      await upsertCases(sf, [caseFor(1, { [STAMP]: '2026-01-01T12:00:00+01:00', Subject: 'later' })]),
      await upsertCases(sf, [caseFor(1, { Subject: 'edited in Salesforce' })]),
    ];

    expect(results.map((r) => (r.body as Array<{ success: boolean }>)[0]?.success)).toEqual([true, true, true, true]);
    expect(sf.getRecord(id)).toMatchObject({
      Subject: 'edited in Salesforce',
      [STAMP]: '2026-01-01T11:00:00.000+0000',
    });
  });

  it('answers a single-record upsert with 400 and the error array', async () => {
    sf.insert('Case', { [KEY]: '1', [STAMP]: '2026-01-01T11:00:00Z' });

    const res = await api(sf, 'PATCH', `/sobjects/Case/${KEY}/1`, { [STAMP]: '2026-01-01T10:00:00Z' });

    expect(res.status).toBe(400);
    expect(res.body).toEqual([
      {
        message: "SWITCHBOARD_STALE_UPDATE: this Zendesk ticket state is older than the Case's.",
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        fields: [STAMP],
      },
    ]);
  });

  it('rolls back the others with allOrNone', async () => {
    sf.insert('Case', { [KEY]: '1', [STAMP]: '2026-01-01T11:00:00Z' });

    const res = await upsertCases(sf, [caseFor(2), caseFor(1, { [STAMP]: '2026-01-01T10:00:00Z' })], true);

    expect((res.body as Array<{ errors: Array<{ statusCode: string }> }>).map((r) => r.errors[0]?.statusCode)).toEqual([
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    ]);
    expect(sf.findByExternalId('Case', KEY, '2')).toBeUndefined();
  });

  it('fails the stale rows of a Bulk API 2.0 upsert with the rule in sf__Error', async () => {
    sf.insert('Case', { [KEY]: '1', Subject: 'kept', [STAMP]: '2026-01-01T11:00:00Z' });

    const results = await connect(sf).bulk2.loadAndWaitForResults({
      object: 'Case',
      operation: 'upsert',
      externalIdFieldName: KEY,
      input: `${KEY},Subject,${STAMP}\n1,older,2026-01-01T10:00:00Z\n2,new,2026-01-01T10:00:00Z\n`,
      pollInterval: 5,
      pollTimeout: 5_000,
    });

    expect(results.successfulResults).toHaveLength(1);
    expect(results.failedResults.map((r) => r.sf__Error)).toEqual([
      'FIELD_CUSTOM_VALIDATION_EXCEPTION:SWITCHBOARD_STALE_UPDATE: this Zendesk ticket state is older than ' +
        `the Case's.:${STAMP} --`,
    ]);
    expect(sf.findByExternalId('Case', KEY, '1')?.Subject).toBe('kept');
  });

  it('applies the rule to an update by id and to edits made through the programmatic accessors', async () => {
    const id = sf.insert('Case', { [KEY]: '1', [STAMP]: '2026-01-01T11:00:00Z' });

    const res = await api(sf, 'PATCH', `/sobjects/Case/${id}`, { [STAMP]: '2026-01-01T10:59:59Z' });

    expect(res.status).toBe(400);
    expect(() => sf.update('Case', id, { [STAMP]: '2025-12-31T00:00:00Z' })).toThrow(
      /FIELD_CUSTOM_VALIDATION_EXCEPTION: SWITCHBOARD_STALE_UPDATE/,
    );
  });
});

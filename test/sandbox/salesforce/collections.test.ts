import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, caseFor, connect, startTestOrg } from './factories.js';

const tickets = (from: number, count: number) => Array.from({ length: count }, (_, i) => caseFor(from + i));
const upsertCases = (sf: SalesforceEmulator, records: unknown[], allOrNone = false) =>
  api(sf, 'PATCH', '/composite/sobjects/Case/Zendesk_Ticket_Id__c', { allOrNone, records });

describe('Salesforce emulator sObject Collections', () => {
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startTestOrg();
  });
  afterEach(async () => sf.stop());

  it('upserts through jsforce in calls of at most 200 with allowRecursive', async () => {
    const results = await connect(sf)
      .sobject('Case')
      .upsert(tickets(1, 450), 'Zendesk_Ticket_Id__c', { allowRecursive: true });

    expect(results).toHaveLength(450);
    expect(results.every((r) => r.success && r.created)).toBe(true);
    expect(sf.calls().byEndpoint).toEqual({ 'collections.upsert': 3 });
    expect(sf.records('Case')).toHaveLength(450);
  });

  it('refuses more than 200 records in one call (what jsforce sends without allowRecursive)', async () => {
    await expect(connect(sf).sobject('Case').upsert(tickets(1, 201), 'Zendesk_Ticket_Id__c')).rejects.toMatchObject({
      errorCode: 'EXCEEDED_ID_LIMIT',
    });

    const res = await upsertCases(sf, tickets(1, 201));
    expect(res.status).toBe(400);
    expect(res.body).toEqual([
      {
        message: 'record limit reached. cannot submit more than 200 records into this call',
        errorCode: 'EXCEEDED_ID_LIMIT',
      },
    ]);
  });

  it('answers 200 with one result per record in input order, created or not', async () => {
    sf.insert('Case', { Zendesk_Ticket_Id__c: '2', Subject: 'old' });

    const res = await upsertCases(sf, [caseFor(1), caseFor(2), caseFor(3, { Subject: 'x'.repeat(300) })]);

    const existing = sf.findByExternalId('Case', 'Zendesk_Ticket_Id__c', '2')?.Id;
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { id: expect.stringMatching(/^500/), success: true, errors: [], created: true },
      { id: existing, success: true, errors: [], created: false },
      {
        success: false,
        errors: [
          { statusCode: 'STRING_TOO_LONG', message: expect.stringContaining('(max length=255)'), fields: ['Subject'] },
        ],
      },
    ]);
  });

  it('rolls everything back with allOrNone when one record fails', async () => {
    sf.insert('Case', { Zendesk_Ticket_Id__c: '2', Subject: 'kept' });

    const res = await upsertCases(
      sf,
      [caseFor(1), caseFor(2, { Subject: 'changed' }), caseFor(3, { Contact: { App_User_Id__c: 'nobody' } })],
      true,
    );

    const rolledBack = {
      statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
      fields: [],
    };
    expect(res.body).toEqual([
      { id: expect.any(String), success: false, errors: [rolledBack] },
      { id: expect.any(String), success: false, errors: [rolledBack] },
      {
        success: false,
        errors: [
          {
            statusCode: 'INVALID_FIELD',
            message: 'Foreign key external ID: nobody not found for field App_User_Id__c in entity Contact',
            fields: [],
          },
        ],
      },
    ]);
    expect(sf.records('Case').map((c) => [c.Zendesk_Ticket_Id__c, c.Subject])).toEqual([['2', 'kept']]);
  });

  it('fails records without the external id and every record repeating one', async () => {
    const res = await upsertCases(sf, [
      caseFor(1),
      { attributes: { type: 'Case' }, Subject: 'no key' },
      caseFor(1),
      caseFor(2),
    ]);

    expect((res.body as Array<{ success: boolean; errors: unknown[] }>).map((r) => r.errors)).toEqual([
      [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: 'Duplicate external id specified: 1', fields: [] }],
      [{ statusCode: 'MISSING_ARGUMENT', message: 'Zendesk_Ticket_Id__c not specified', fields: [] }],
      [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: 'Duplicate external id specified: 1', fields: [] }],
      [],
    ]);
  });

  it('injects UNABLE_TO_LOCK_ROW per record, the same records for the same seed', async () => {
    const lockedTickets = async (seed: number) => {
      const org = await startTestOrg({ seed, unableToLockRowRate: 0.3 });
      const res = await upsertCases(org, tickets(1, 20));
      await org.stop();
      return (res.body as Array<{ success: boolean; errors: Array<{ statusCode: string }> }>).flatMap((r, i) =>
        r.success ? [] : [[i, r.errors[0]?.statusCode]],
      );
    };

    const first = await lockedTickets(5);
    const again = await lockedTickets(5);

    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(20);
    expect(first.every(([, code]) => code === 'UNABLE_TO_LOCK_ROW')).toBe(true);
    expect(again).toEqual(first);
  });

  it('names the locked record when it exists', async () => {
    const id = sf.insert('Case', { Zendesk_Ticket_Id__c: '1' });
    sf.setUnableToLockRowRate(1);

    const res = await upsertCases(sf, [caseFor(1)]);

    expect(res.body).toEqual([
      {
        id,
        success: false,
        errors: [
          {
            statusCode: 'UNABLE_TO_LOCK_ROW',
            message: `unable to obtain exclusive access to this record or 1 records: ${id}`,
            fields: [],
          },
        ],
      },
    ]);
  });

  it('creates, updates and deletes mixed collections through jsforce', async () => {
    const conn = connect(sf);

    const created = await conn.sobject('Contact').create([{ LastName: 'A' }, { FirstName: 'no last name' }]);
    const id = created[0]?.id ?? '';
    const updated = await conn.sobject('Contact').update([{ Id: id, Title: 'CTO' }]);
    const destroyed = await conn.sobject('Contact').destroy([id]);

    expect(created.map((r) => r.success)).toEqual([true, false]);
    expect(updated).toEqual([{ id, success: true, errors: [] }]);
    expect(destroyed).toEqual([{ id, success: true, errors: [] }]);
    expect(sf.records('Contact')).toEqual([]);
    expect(sf.calls().byEndpoint).toEqual({
      'collections.create': 1,
      'collections.delete': 1,
      'collections.update': 1,
    });
  });

  it('reports per-record errors for updates without an id and creates of unknown types', async () => {
    const update = await api(sf, 'PATCH', '/composite/sobjects', {
      records: [{ attributes: { type: 'Contact' }, Title: 'CTO' }],
    });
    const create = await api(sf, 'POST', '/composite/sobjects', {
      records: [{ attributes: { type: 'Widget__c' }, Name: 'w' }],
    });

    expect(update.body).toEqual([
      {
        success: false,
        errors: [{ statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] }],
      },
    ]);
    expect(create.body).toEqual([
      {
        success: false,
        errors: [
          {
            statusCode: 'INVALID_TYPE',
            message: expect.stringContaining("sObject type 'Widget__c' is not supported."),
            fields: [],
          },
        ],
      },
    ]);
  });

  it('answers a body without a records array with 400 JSON_PARSER_ERROR', async () => {
    const res = await upsertCases(sf, 'not-an-array' as unknown as unknown[]);

    expect(res.status).toBe(400);
    expect(res.body).toEqual([
      { message: expect.stringContaining('Cannot deserialize the request body'), errorCode: 'JSON_PARSER_ERROR' },
    ]);
  });

  it('retrieves several records by id with the fields asked for', async () => {
    const ids = [sf.insert('Account', { Name: 'A' }), sf.insert('Account', { Name: 'B' })];

    const records = await connect(sf)
      .sobject('Account')
      .retrieve([...ids, '0015g00000000zzAAA'], { fields: ['Name'] });

    expect(records.map((r) => r?.Name ?? null)).toEqual(['A', 'B', null]);
  });

  it('answers 404 for an unknown object or external id field in the URL', async () => {
    const res = await api(sf, 'PATCH', '/composite/sobjects/Case/Subject', { records: [caseFor(1)] });

    expect([res.status, res.body]).toEqual([
      404,
      [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }],
    ]);
  });
});

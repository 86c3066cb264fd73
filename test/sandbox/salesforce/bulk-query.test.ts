import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, connect, startTestOrg, type RawResponse } from './factories.js';

type JobInfo = { id: string; state: string; numberRecordsProcessed?: number };

const create = async (sf: SalesforceEmulator, query: string, extra: Record<string, unknown> = {}) =>
  api(sf, 'POST', '/jobs/query', { operation: 'query', query, ...extra });
const open = async (sf: SalesforceEmulator, query: string, extra: Record<string, unknown> = {}) =>
  (await create(sf, query, extra)).body as JobInfo;
const status = async (sf: SalesforceEmulator, job: JobInfo) =>
  (await api(sf, 'GET', `/jobs/query/${job.id}`)).body as JobInfo;
const results = (sf: SalesforceEmulator, job: JobInfo, params = '') =>
  api(sf, 'GET', `/jobs/query/${job.id}/results${params}`);
const paging = (res: RawResponse) => [res.headers.get('sforce-locator'), res.headers.get('sforce-numberofrecords')];

/** Opens a job and polls it to JobComplete (one InProgress poll by default). */
async function completed(sf: SalesforceEmulator, query: string, extra: Record<string, unknown> = {}) {
  const job = await open(sf, query, extra);
  await status(sf, job);
  await status(sf, job);
  return job;
}

describe('Salesforce emulator Bulk API 2.0 query', () => {
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startTestOrg();
    const acme = sf.insert('Account', { Name: 'Acme, "Inc."', App_Account_Id__c: 'acc_1', Seats_Used__c: 5 });
    sf.insert('Account', { Name: 'Beta\nLabs', App_Account_Id__c: 'acc_2', Plan__c: 'trial' });
    sf.insert('Contact', { LastName: 'Doe', App_User_Id__c: 'u_1', AccountId: acme });
    sf.insert('Contact', { LastName: 'Roe', App_User_Id__c: 'u_2' });
  });
  afterEach(async () => sf.stop());

  it('walks UploadComplete → InProgress → JobComplete with the documented job fields', async () => {
    const job = await open(sf, 'SELECT Id, Name FROM Account');
    const polls = [await status(sf, job), await status(sf, job)];

    expect(job).toEqual({
      id: expect.stringMatching(/^750/),
      operation: 'query',
      object: 'Account',
      createdById: expect.stringMatching(/^005/),
      createdDate: expect.any(String),
      systemModstamp: expect.any(String),
      state: 'UploadComplete',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: 62,
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    });
    expect(polls.map((p) => [p.state, p.numberRecordsProcessed])).toEqual([
      ['InProgress', 0],
      ['JobComplete', 2],
    ]);
    expect(polls[1]).toMatchObject({ jobType: 'V2Query', retries: 0, isPkChunkingSupported: true });
  });

  it('answers CSV with every value quoted, relationship columns and null as an empty value', async () => {
    const job = await completed(
      sf,
      'SELECT App_User_Id__c, LastName, Account.Name, Account.Seats_Used__c FROM Contact ORDER BY LastName',
    );

    const res = await results(sf, job);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(paging(res)).toEqual(['null', '2']);
    expect(res.text).toBe(
      '"App_User_Id__c","LastName","Account.Name","Account.Seats_Used__c"\n' +
        '"u_1","Doe","Acme, ""Inc.""","5"\n' +
        '"u_2","Roe","",""\n',
    );
  });

  it('pages results with maxRecords and an opaque locator, ending with the string null', async () => {
    sf.insertMany(
      'Account',
      [3, 4, 5].map((n) => ({ Name: `Account ${n}`, App_Account_Id__c: `acc_${n}` })),
    );
    const job = await completed(sf, 'SELECT App_Account_Id__c FROM Account');

    const first = await results(sf, job, '?maxRecords=2');
    const second = await results(sf, job, `?maxRecords=2&locator=${first.headers.get('sforce-locator')}`);
    const last = await results(sf, job, `?maxRecords=2&locator=${second.headers.get('sforce-locator')}`);
    const again = await results(sf, job, `?maxRecords=2&locator=${first.headers.get('sforce-locator')}`);

    expect([paging(first), paging(second), paging(last)]).toEqual([
      ['Mg', '2'],
      ['NA', '2'],
      ['null', '1'],
    ]);
    expect([first, second, last].map((r) => r.text.split('\n').slice(1, -1))).toEqual([
      ['"acc_1"', '"acc_2"'],
      ['"acc_3"', '"acc_4"'],
      ['"acc_5"'],
    ]);
    expect(again.text).toBe(second.text);
  });

  it('uses numeric locators up to API version 48.0 and refuses results asked with another version', async () => {
    const job = (
      await api(sf, 'POST', '/services/data/v48.0/jobs/query', { operation: 'query', query: 'SELECT Id FROM Account' })
    ).body as JobInfo;
    await api(sf, 'GET', `/services/data/v48.0/jobs/query/${job.id}`);
    await api(sf, 'GET', `/services/data/v48.0/jobs/query/${job.id}`);

    const page = await api(sf, 'GET', `/services/data/v48.0/jobs/query/${job.id}/results?maxRecords=1`);
    const otherVersion = await results(sf, job);

    expect(paging(page)).toEqual(['1', '1']);
    expect(otherVersion.status).toBe(409);
  });

  it('streams every record through jsforce bulk2.query', async () => {
    const stream = await connect(sf).bulk2.query('SELECT App_Account_Id__c, Name, Plan__c FROM Account', {
      pollInterval: 5,
      pollTimeout: 5_000,
    });
    const records: Array<Record<string, unknown>> = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('record', (record: Record<string, unknown>) => records.push(record));
      stream.on('end', resolve);
      stream.on('error', reject);
    });

    expect(records).toEqual([
      { App_Account_Id__c: 'acc_1', Name: 'Acme, "Inc."', Plan__c: '' },
      { App_Account_Id__c: 'acc_2', Name: 'Beta\nLabs', Plan__c: 'trial' },
    ]);
  });

  it('includes deleted records for queryAll only', async () => {
    const gone = sf.insert('Account', { Name: 'Gone', App_Account_Id__c: 'acc_9' });
    await api(sf, 'DELETE', `/sobjects/Account/${gone}`);

    const live = await results(sf, await completed(sf, 'SELECT Name FROM Account'));
    const all = await results(sf, await completed(sf, 'SELECT Name FROM Account', { operation: 'queryAll' }));

    expect(paging(live)[1]).toBe('2');
    expect(paging(all)[1]).toBe('3');
  });

  it.each([
    ['a subquery', 'SELECT Name, (SELECT LastName FROM Contacts) FROM Account'],
    ['an aggregate function', 'SELECT COUNT() FROM Account'],
    ['GROUP BY', 'SELECT Plan__c FROM Account GROUP BY Plan__c'],
    ['OFFSET', 'SELECT Name FROM Account OFFSET 10'],
  ])('refuses %s with API_ERROR before creating a job', async (_case, query) => {
    const res = await create(sf, query);

    expect(res.status).toBe(400);
    expect(res.body).toEqual([
      { errorCode: 'API_ERROR', message: expect.stringMatching(/not supported in Bulk V2 Query/) },
    ]);
    expect(sf.calls().byEndpoint['bulk2.query.create']).toBe(1);
    expect(((await api(sf, 'GET', '/jobs/query')).body as { records: unknown[] }).records).toEqual([]);
  });

  it('reads clause words inside string literals as data', async () => {
    const res = await create(sf, "SELECT Name FROM Account WHERE Name = 'GROUP BY (SELECT COUNT() OFFSET'");

    expect(res.status).toBe(200);
  });

  it('refuses an unknown field with the SOQL error', async () => {
    const res = await create(sf, 'SELECT Nickname__c FROM Account');

    expect(res.status).toBe(400);
    expect(res.body).toEqual([{ errorCode: 'INVALID_FIELD', message: expect.stringContaining("'Nickname__c'") }]);
  });

  it('aborts a running job, refuses its results, and deletes it', async () => {
    const job = await open(sf, 'SELECT Id FROM Account');

    const aborted = await api(sf, 'PATCH', `/jobs/query/${job.id}`, { state: 'Aborted' });
    const afterAbort = await results(sf, job);
    const abortAgain = await api(sf, 'PATCH', `/jobs/query/${job.id}`, { state: 'Aborted' });
    const removed = await api(sf, 'DELETE', `/jobs/query/${job.id}`);
    const gone = await api(sf, 'GET', `/jobs/query/${job.id}`);

    expect(aborted.body).toMatchObject({ id: job.id, state: 'Aborted' });
    expect([afterAbort.status, abortAgain.status]).toEqual([400, 400]);
    expect(afterAbort.body).toEqual([{ errorCode: 'INVALIDJOBSTATE', message: expect.stringContaining('Aborted') }]);
    expect([removed.status, gone.status]).toEqual([204, 404]);
  });

  it('counts every call against the API budget and each job against DailyBulkV2QueryJobs', async () => {
    const before = sf.apiUsage().used;
    const job = await completed(sf, 'SELECT Id FROM Account');
    await results(sf, job);

    const limits = (await api(sf, 'GET', '/limits')).body as Record<string, { Remaining: number }>;

    expect(sf.apiUsage().used - before).toBe(5);
    expect(limits.DailyBulkV2QueryJobs?.Remaining).toBe(9999);
  });
});

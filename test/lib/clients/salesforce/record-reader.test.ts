import { SalesforceBulkClient } from '../../../../lib/clients/salesforce/bulk-client.js';
import type { ReadPage, RecordReadSettings } from '../../../../lib/clients/salesforce/record-reader.js';
import { SalesforceSession } from '../../../../lib/clients/salesforce/session.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import type { SalesforceEmulator, SalesforceEmulatorOptions } from '../../../../sandbox/salesforce/index.js';
import { configFor, startOrg } from './factories.js';
import { fakeClock } from './job-clock.js';

const FIELDS = ['App_Account_Id__c', 'Name', 'Plan__c', 'Seats_Used__c'];
const NO_WAIT = { pollInitialMs: 0, pollMaxMs: 0, timeoutMs: 60_000 };

let sf: SalesforceEmulator;
let bulk: SalesforceBulkClient;

async function useOrg(options: SalesforceEmulatorOptions = {}): Promise<void> {
  sf = await startOrg(options);
  bulk = new SalesforceBulkClient(new SalesforceSession(configFor(sf)), { clock: fakeClock() });
}

/** `count` Accounts acc_001…, every third on the trial plan, seats = n. */
function seedAccounts(count: number): void {
  sf.insertMany(
    'Account',
    Array.from({ length: count }, (_, i) => ({
      Name: `Account ${i + 1}`,
      App_Account_Id__c: `acc_${String(i + 1).padStart(3, '0')}`,
      Seats_Used__c: i + 1,
      ...(i % 3 === 0 ? { Plan__c: 'trial' } : {}),
    })),
  );
}

async function collect(pages: AsyncIterable<ReadPage>): Promise<ReadPage[]> {
  const out: ReadPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const read = (settings: Partial<RecordReadSettings> = {}) =>
  collect(bulk.readAccounts({ fields: FIELDS, polling: NO_WAIT, ...settings }));
const jobsLeft = async () =>
  ((await (await fetch(`${sf.url}/__sandbox/state`)).json()) as { queryJobs: unknown[] }).queryJobs;

afterEach(async () => sf.stop());

describe('Salesforce account reads', () => {
  it('reads a small org with one SOQL call, values as text and empty fields as null', async () => {
    await useOrg();
    seedAccounts(2);

    const pages = await read();

    expect(sf.calls().byEndpoint).toEqual({ 'oauth.token': 1, query: 1 });
    expect(pages).toEqual([
      {
        via: 'soql',
        records: [
          { App_Account_Id__c: 'acc_001', Name: 'Account 1', Plan__c: 'trial', Seats_Used__c: '1' },
          { App_Account_Id__c: 'acc_002', Name: 'Account 2', Plan__c: null, Seats_Used__c: '2' },
        ],
      },
    ]);
  });

  it('moves to a Bulk API query job when the first page counts more than the threshold', async () => {
    await useOrg({ queryPageSize: 10 });
    seedAccounts(25);

    const pages = await read({ bulkThreshold: 20, bulkPageSize: 10 });

    expect(pages.map((page) => [page.via, page.records.length])).toEqual([
      ['bulk', 10],
      ['bulk', 10],
      ['bulk', 5],
    ]);
    expect(pages[0]?.records[0]).toEqual({
      App_Account_Id__c: 'acc_001',
      Name: 'Account 1',
      Plan__c: 'trial',
      Seats_Used__c: '1',
    });
    expect(sf.calls().byEndpoint).toEqual({
      'oauth.token': 1,
      query: 1,
      'bulk2.query.create': 1,
      'bulk2.query.get': 2,
      'bulk2.query.results': 3,
      'bulk2.query.delete': 1,
    });
    expect(await jobsLeft()).toEqual([]);
  });

  it('pages through SOQL when the count stays under the threshold, with the same records as Bulk', async () => {
    await useOrg({ queryPageSize: 10 });
    seedAccounts(25);

    const soql = await read({ bulkThreshold: 1_000 });
    const viaBulk = await read({ strategy: 'bulk', bulkPageSize: 7 });

    expect(soql.map((page) => [page.via, page.records.length])).toEqual([
      ['soql', 10],
      ['soql', 10],
      ['soql', 5],
    ]);
    expect(viaBulk.flatMap((page) => page.records)).toEqual(soql.flatMap((page) => page.records));
  });

  it('flattens parent fields and filters on required values', async () => {
    await useOrg();
    seedAccounts(1);
    const account = sf.records('Account')[0]?.Id;
    sf.insert('Contact', { LastName: 'Doe', App_User_Id__c: 'u_1', AccountId: account });
    sf.insert('Contact', { LastName: 'Roe', App_User_Id__c: 'u_2' });
    sf.insert('Contact', { LastName: 'Nobody' });
    const settings = {
      fields: ['App_User_Id__c', 'account.app_account_id__c'],
      requireValue: ['App_User_Id__c'],
      polling: NO_WAIT,
    };

    const soql = await collect(bulk.readRecords('Contact', settings));
    const viaBulk = await collect(bulk.readRecords('Contact', { ...settings, strategy: 'bulk' }));

    const expected = [
      { App_User_Id__c: 'u_1', 'account.app_account_id__c': 'acc_001' },
      { App_User_Id__c: 'u_2', 'account.app_account_id__c': null },
    ];
    expect(soql.flatMap((page) => page.records)).toEqual(expected);
    expect(viaBulk.flatMap((page) => page.records)).toEqual(expected);
  });

  it('deletes the job when the reader stops after the first page', async () => {
    await useOrg();
    seedAccounts(5);

    for await (const page of bulk.readAccounts({
      fields: FIELDS,
      strategy: 'bulk',
      bulkPageSize: 2,
      polling: NO_WAIT,
    })) {
      expect(page.records).toHaveLength(2);
      break;
    }

    expect(sf.calls().byEndpoint['bulk2.query.results']).toBe(1);
    expect(sf.calls().byEndpoint['bulk2.query.delete']).toBe(1);
    expect(await jobsLeft()).toEqual([]);
  });

  it('polls with a doubling interval and aborts a job that outlives the timeout', async () => {
    await useOrg({ bulkPollsInProgress: 100 });
    seedAccounts(3);
    const clock = fakeClock();
    bulk = new SalesforceBulkClient(new SalesforceSession(configFor(sf)), { clock });

    const reading = read({ strategy: 'bulk', polling: { pollInitialMs: 1_000, pollMaxMs: 8_000, timeoutMs: 30_000 } });

    await expect(reading).rejects.toThrow(RetryableError);
    expect(clock.waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(sf.calls().byEndpoint).toMatchObject({ 'bulk2.query.abort': 1, 'bulk2.query.delete': 1 });
    expect(await jobsLeft()).toEqual([]);
  });

  it.each(['soql', 'bulk'] as const)('refuses an unknown field as permanent (%s)', async (strategy) => {
    await useOrg();

    const reading = read({ fields: ['Nickname__c'], strategy });

    await expect(reading).rejects.toBeInstanceOf(PermanentError);
    await expect(reading).rejects.toMatchObject({ code: 'INVALID_FIELD' });
  });

  it('refuses a field name that could inject SOQL before any call', async () => {
    await useOrg();

    await expect(read({ fields: ['Name FROM User --'] })).rejects.toMatchObject({ code: 'INVALID_API_NAME' });
    expect(sf.calls().total).toBe(0);
  });

  it('reports a spent daily budget as retryable', async () => {
    await useOrg();
    sf.setApiUsage(sf.apiUsage().max);

    await expect(read()).rejects.toBeInstanceOf(RetryableError);
  });
});

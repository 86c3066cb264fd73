import { SalesforceBulkClient, upsertByVolume } from '../../../../lib/clients/salesforce/bulk-client.js';
import { SalesforceClient } from '../../../../lib/clients/salesforce/client.js';
import type { UpsertOutcome } from '../../../../lib/clients/salesforce/gateway.js';
import { SalesforceSession } from '../../../../lib/clients/salesforce/session.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import type { SalesforceEmulator, SalesforceEmulatorOptions } from '../../../../sandbox/salesforce/index.js';
import { configFor, startOrg } from './factories.js';
import { fakeClock } from './job-clock.js';

const KEY = 'App_Account_Id__c';
const NO_WAIT = { pollInitialMs: 0, pollMaxMs: 0, timeoutMs: 60_000 };

let sf: SalesforceEmulator;
let session: SalesforceSession;
let bulk: SalesforceBulkClient;

async function useOrg(options: SalesforceEmulatorOptions = {}, maxJobBytes?: number): Promise<void> {
  sf = await startOrg(options);
  session = new SalesforceSession(configFor(sf));
  bulk = new SalesforceBulkClient(session, {
    clock: fakeClock(),
    ingest: { polling: NO_WAIT, ...(maxJobBytes ? { maxJobBytes } : {}) },
  });
}

const account = (n: number, extra: Record<string, unknown> = {}) => ({
  [KEY]: `acc_${n}`,
  Name: `Account ${n}`,
  Seats_Used__c: n,
  ...extra,
});
const accounts = (count: number) => Array.from({ length: count }, (_, i) => account(i + 1));
const ingestJobsLeft = async () =>
  ((await (await fetch(`${sf.url}/__sandbox/state`)).json()) as { ingestJobs: unknown[] }).ingestJobs;
function failure(outcome: UpsertOutcome | undefined): Error {
  if (outcome instanceof Error) return outcome;
  throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
}

afterEach(async () => sf.stop());

describe('Salesforce Bulk API 2.0 upserts', () => {
  it('upserts 2,500 Accounts in one job, maps every result back in input order, and deletes the job', async () => {
    await useOrg();
    sf.insert('Account', { Name: 'Old', [KEY]: 'acc_7' });

    const outcomes = await bulk.upsertBulk('Account', KEY, accounts(2_500));

    expect(outcomes).toHaveLength(2_500);
    outcomes.forEach((outcome, i) =>
      expect(outcome).toEqual({
        id: sf.findByExternalId('Account', KEY, `acc_${i + 1}`)?.Id,
        created: i + 1 !== 7,
      }),
    );
    expect(sf.findByExternalId('Account', KEY, 'acc_7')).toMatchObject({ Name: 'Account 7', Seats_Used__c: 7 });
    expect(sf.calls().byEndpoint).toEqual({
      'oauth.token': 1,
      'bulk2.ingest.create': 1,
      'bulk2.ingest.upload': 1,
      'bulk2.ingest.state': 1,
      'bulk2.ingest.get': 2,
      'bulk2.ingest.successfulResults': 1,
      'bulk2.ingest.failedResults': 1,
      'bulk2.ingest.unprocessedRecords': 1,
      'bulk2.ingest.delete': 1,
    });
    expect(await ingestJobsLeft()).toEqual([]);
  });

  it('gives each failed row its own error and never sends a row without its external id', async () => {
    await useOrg();

    const [good, noName, badNumber, noKey, quoted] = await bulk.upsertBulk('Account', KEY, [
      account(1),
      { [KEY]: 'acc_2', Seats_Used__c: 2 },
      account(3, { Seats_Used__c: 'many' }),
      { Name: 'No key' },
      account(5, { Name: 'Five, "Inc."\nLtd' }),
    ]);

    expect(good).toEqual({ id: expect.stringMatching(/^001/), created: true });
    expect(failure(noName)).toBeInstanceOf(PermanentError);
    expect(noName).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', message: expect.stringContaining('Name') });
    expect(badNumber).toMatchObject({ code: 'INVALID_TYPE_ON_FIELD_IN_RECORD' });
    expect(noKey).toMatchObject({ code: 'MISSING_ARGUMENT' });
    expect(quoted).toEqual({ id: expect.any(String), created: true });
    expect(sf.findByExternalId('Account', KEY, 'acc_5')?.Name).toBe('Five, "Inc."\nLtd');
  });

  it('reports row locks as retryable', async () => {
    await useOrg();
    sf.setUnableToLockRowRate(1);

    const outcomes = await bulk.upsertBulk('Account', KEY, accounts(3));

    outcomes.forEach((outcome) => expect(failure(outcome)).toBeInstanceOf(RetryableError));
    expect(failure(outcomes[0]).message).toMatch(/UNABLE_TO_LOCK_ROW/);
  });

  it('sends a repeated external id in a later job, so the last record wins', async () => {
    await useOrg();

    const outcomes = await bulk.upsertBulk('Account', KEY, [
      account(1, { Plan__c: 'trial' }),
      account(2),
      account(1, { Plan__c: 'pro' }),
    ]);

    expect(outcomes.map((outcome) => !(outcome instanceof Error) && outcome.created)).toEqual([true, true, false]);
    expect(sf.findByExternalId('Account', KEY, 'acc_1')?.Plan__c).toBe('pro');
    expect(sf.calls().byEndpoint['bulk2.ingest.create']).toBe(2);
  });

  it('clears a field for null, leaves a field that is left out, and links lookups by external id', async () => {
    await useOrg();
    sf.insert('Account', { Name: 'Acme', [KEY]: 'acc_1', Plan__c: 'pro', Seats_Used__c: 3 });

    const [cleared] = await bulk.upsertBulk('Account', KEY, [{ [KEY]: 'acc_1', Plan__c: null }]);
    const [linked] = await bulk.upsertBulk('Contact', 'App_User_Id__c', [
      { App_User_Id__c: 'u_1', LastName: 'Doe', Account: { [KEY]: 'acc_1' } },
    ]);

    expect(cleared).toEqual({ id: expect.any(String), created: false });
    expect(sf.findByExternalId('Account', KEY, 'acc_1')).toMatchObject({ Plan__c: null, Seats_Used__c: 3 });
    expect(!(linked instanceof Error) && sf.getRecord(linked!.id)?.AccountId).toBe(
      sf.findByExternalId('Account', KEY, 'acc_1')?.Id,
    );
  });

  it('fails every row of a job Salesforce refuses as a whole, permanently', async () => {
    await useOrg();

    const outcomes = await bulk.upsertBulk('Account', KEY, [account(1, { Nickname__c: 'x' }), account(2)]);

    outcomes.forEach((outcome) => {
      expect(failure(outcome)).toBeInstanceOf(PermanentError);
      expect(failure(outcome).message).toMatch(/Field name not found : Nickname__c/);
    });
    expect(await ingestJobsLeft()).toEqual([]);
  });

  it('splits the upload into jobs by size', async () => {
    await useOrg({}, 1_000);

    const outcomes = await bulk.upsertBulk('Account', KEY, accounts(100));

    expect(outcomes.every((outcome) => !(outcome instanceof Error))).toBe(true);
    expect(sf.calls().byEndpoint['bulk2.ingest.create']).toBeGreaterThan(2);
    expect(sf.records('Account')).toHaveLength(100);
  });

  it('aborts a job that outlives the timeout and reports its rows as retryable', async () => {
    await useOrg({ bulkPollsInProgress: 100 });
    bulk = new SalesforceBulkClient(session, {
      clock: fakeClock(),
      ingest: { polling: { pollInitialMs: 1_000, pollMaxMs: 1_000, timeoutMs: 3_000 } },
    });

    const outcomes = await bulk.upsertBulk('Account', KEY, accounts(2));

    outcomes.forEach((outcome) => expect(failure(outcome)).toBeInstanceOf(RetryableError));
    expect(sf.calls().byEndpoint).toMatchObject({ 'bulk2.ingest.state': 2, 'bulk2.ingest.delete': 1 });
    expect(await ingestJobsLeft()).toEqual([]);
  });

  it('stops at a spent daily budget without trying further jobs', async () => {
    await useOrg({}, 1_000);
    sf.setApiUsage(sf.apiUsage().max);

    const outcomes = await bulk.upsertBulk('Account', KEY, accounts(100));

    outcomes.forEach((outcome) => expect(failure(outcome)).toBeInstanceOf(RetryableError));
    expect(sf.calls().byEndpoint['bulk2.ingest.create']).toBe(1);
  });
});

describe('upsertByVolume', () => {
  it('uses collections up to the threshold and one Bulk API job above it', async () => {
    await useOrg();
    const collections = new SalesforceClient(configFor(sf), { session });

    const few = await upsertByVolume(collections, bulk, 'Account', KEY, accounts(10), 20);
    const many = await upsertByVolume(collections, bulk, 'Account', KEY, accounts(21), 20);

    expect([few, many].map((outcomes) => outcomes.filter((outcome) => !(outcome instanceof Error)).length)).toEqual([
      10, 21,
    ]);
    expect(sf.calls().byEndpoint).toMatchObject({
      'oauth.token': 1,
      'collections.upsert': 1,
      'bulk2.ingest.create': 1,
    });
  });
});

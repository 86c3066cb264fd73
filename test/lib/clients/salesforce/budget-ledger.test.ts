import { BudgetSpent, type BudgetPriority } from '../../../../lib/clients/salesforce/budget-ledger.js';
import { SalesforceClient } from '../../../../lib/clients/salesforce/client.js';
import { createBudgetLedger } from '../../../../lib/clients/salesforce/config.js';
import type { StateStore } from '../../../../lib/clients/state-store.js';
import type { LocalDynamoDb } from '../../../../local/local-dynamodb.js';
import type { SalesforceEmulator } from '../../../../sandbox/salesforce/index.js';
import { probedStore, startStateTable } from '../../../support/local-state-table.js';
import { configFor, startOrg } from './factories.js';

const TABLE = 'switchboard-test-state';
const MINUTE = 60_000;
let db: LocalDynamoDb;
let store: StateStore;
let sf: SalesforceEmulator;
let now: number;

beforeAll(async () => {
  db = await startStateTable(TABLE);
});
afterAll(async () => db.stop());
beforeEach(async () => {
  // A new emulator per test is a new org (its own port), so its ledger item is a new one.
  sf = await startOrg({ dailyApiRequests: 20 });
  store = probedStore(db, TABLE).store;
  now = Date.parse('2026-12-02T10:00:00Z');
});
afterEach(async () => sf.stop());

/** One consumer container: its own client, session and ledger cache, on the shared state table. */
function container(priority: BudgetPriority = 'interactive'): SalesforceClient {
  const config = configFor(sf);
  return new SalesforceClient(config, {
    budget: { ledger: createBudgetLedger(store, config, { clock: () => now }), priority },
  });
}

/** One Salesforce call (a SOQL look-up); resolves to the error it failed with, or undefined. */
const lookUp = (client: SalesforceClient): Promise<Error | undefined> =>
  client.queryWhereIn('Account', ['Id'], 'App_Account_Id__c', ['acc_000001']).then(
    () => undefined,
    (error: unknown) => error as Error,
  );

/** Calls that reached the org's API (token requests excluded), and how many it refused with a limit. */
function apiCalls(): { total: number; refused: number } {
  const calls = sf.callLog().filter((call) => call.endpoint !== 'oauth.token');
  return { total: calls.length, refused: calls.filter((call) => call.status === 403).length };
}

describe('the Salesforce budget ledger shared by two containers', () => {
  it('lets no call reach Salesforce once an answer said 20/20', async () => {
    const [a, b] = [container(), container()];

    const failures: Array<Error | undefined> = [];
    for (let i = 0; i < 14; i++) failures.push(await lookUp(a), await lookUp(b));

    expect(apiCalls()).toEqual({ total: 20, refused: 0 });
    expect(failures.slice(0, 20)).toEqual(new Array(20).fill(undefined));
    for (const failure of failures.slice(20)) {
      expect(failure).toBeInstanceOf(BudgetSpent);
      expect(failure).toMatchObject({ retryAfterSeconds: 3600 });
    }
  });

  it('never lets concurrent reservations exceed the cap', async () => {
    const [a, b] = [container(), container()];
    await lookUp(a);
    await lookUp(b);

    const failures = await Promise.all(Array.from({ length: 30 }, (_, i) => lookUp(i % 2 === 0 ? a : b)));

    expect(failures.filter((failure) => failure === undefined)).toHaveLength(18);
    expect(failures.filter((failure) => failure instanceof BudgetSpent)).toHaveLength(12);
    expect(apiCalls()).toEqual({ total: 20, refused: 0 });
  });

  it('stops sync calls at their share (80 %) while interactive calls still go', async () => {
    sf.setApiUsage(14);
    const [interactive, sync] = [container('interactive'), container('sync')];
    await lookUp(interactive);

    const syncCalls = [await lookUp(sync), await lookUp(sync)];
    const interactiveCall = await lookUp(interactive);

    expect(syncCalls[0]).toBeUndefined();
    expect(syncCalls[1]).toBeInstanceOf(BudgetSpent);
    expect(syncCalls[1]?.message).toMatch(/sync calls: about 16 of 20 .* cap of 16/);
    expect(interactiveCall).toBeUndefined();
    expect(sf.apiUsage().used).toBe(17);
  });

  it('pauses every container after one sees REQUEST_LIMIT_EXCEEDED for concurrency, for 30 s', async () => {
    const [a, b] = [container(), container()];
    await lookUp(b);
    sf.setConcurrencyLimit(1, 300);

    const seen = await Promise.all([lookUp(a), lookUp(a)]);
    sf.setConcurrencyLimit(25, 0);
    const before = apiCalls().total;
    const paused = await lookUp(b);
    const callsWhilePaused = apiCalls().total - before;
    now += 31_000;
    const after = await lookUp(b);

    expect(seen.filter((failure) => failure?.message.includes('REQUEST_LIMIT_EXCEEDED'))).toHaveLength(1);
    expect(paused).toBeInstanceOf(BudgetSpent);
    expect((paused as BudgetSpent).retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(callsWhilePaused).toBe(0);
    expect(after).toBeUndefined();
  });

  it('after a daily REQUEST_LIMIT_EXCEEDED no container calls until one probe sees the freed calls', async () => {
    const [a, b] = [container(), container()];
    await lookUp(a);
    // Another integration spends the rest of the org's allocation.
    sf.setApiUsage(20);

    const exceeded = await lookUp(a);
    const before = apiCalls().total;
    const refused = [await lookUp(b), await lookUp(a)];
    const callsWhilePaused = apiCalls().total - before;
    sf.setApiUsage(5);
    now += 16 * MINUTE;
    const probe = await lookUp(b);
    const next = await lookUp(a);

    expect(exceeded?.message).toContain('REQUEST_LIMIT_EXCEEDED');
    expect(refused[0]).toBeInstanceOf(BudgetSpent);
    expect(refused[0]).toMatchObject({ retryAfterSeconds: 3600 });
    expect(refused[1]).toBeInstanceOf(BudgetSpent);
    expect(callsWhilePaused).toBe(0);
    expect([probe, next]).toEqual([undefined, undefined]);
    expect(sf.apiUsage().used).toBe(7);
  });

  it('probes once per interval when the estimate is at the cap and the rolling window frees calls', async () => {
    sf.setApiUsage(19);
    const [a, b] = [container(), container()];
    await lookUp(a);
    sf.setApiUsage(3);

    const stillSpent = await lookUp(b);
    now += 16 * MINUTE;
    const probes = await Promise.all([lookUp(a), lookUp(b)]);
    const afterProbe = await lookUp(a);

    expect(stillSpent).toBeInstanceOf(BudgetSpent);
    expect(probes.filter((failure) => failure === undefined)).toHaveLength(1);
    expect(probes.filter((failure) => failure instanceof BudgetSpent)).toHaveLength(1);
    expect(afterProbe).toBeUndefined();
    expect(sf.apiUsage().used).toBe(5);
  });
});

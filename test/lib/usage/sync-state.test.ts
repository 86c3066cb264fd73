import {
  shortHash,
  userKey,
  UsageSyncState,
  USERS_PER_PART,
  type AccountSyncState,
} from '../../../lib/usage/sync-state.js';
import type { LocalDynamoDb } from '../../../local/local-dynamodb.js';
import { probedStore, startStateTable } from '../../support/local-state-table.js';

const TABLE = 'switchboard-test-usage-state';
let db: LocalDynamoDb;
let run = 0;

beforeAll(async () => {
  db = await startStateTable(TABLE);
});
afterAll(async () => db.stop());

/** Account ids of their own per test: the tests share one table. */
const accountId = (name: string): string => `${name}-${++run}`;
const usersOf = (count: number, night = 'n1'): Map<string, string> =>
  new Map(Array.from({ length: count }, (_, i) => [userKey(`u_${i}`), shortHash(`${night}:u_${i}`)]));
const stateOf = (id: string, users: Map<string, string>, hashes: Partial<AccountSyncState> = {}): AccountSyncState => ({
  accountId: id,
  users,
  ...hashes,
});
const parts = (id: string, count: number) =>
  Array.from({ length: count }, (_, n) => ({ pk: `usage#account#${id}`, sk: `part#${n}` }));

describe('userKey and shortHash', () => {
  it('are the first 8 bytes of SHA-256, as 16 hex characters', () => {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2, B.1)
    expect(shortHash('abc')).toBe('ba7816bf8f01cfea');
    expect(userKey('abc')).toBe('ba7816bf8f01cfea');
  });
});

describe('UsageSyncState', () => {
  it('saves and loads an account: its hashes and each user’s hash, in one item', async () => {
    const { store } = probedStore(db, TABLE);
    const id = accountId('small');
    const state = stateOf(id, usersOf(3), { salesforceHash: shortHash('sf'), groupHash: shortHash('group') });

    await new UsageSyncState(store).save([state]);
    const loaded = await new UsageSyncState(store).load([id, accountId('never-saved')]);
    const [item] = await store.getMany(parts(id, 1));

    expect([...loaded.keys()]).toEqual([id]);
    expect(loaded.get(id)).toEqual(state);
    expect(item).toMatchObject({ parts: 1, salesforceHash: shortHash('sf'), groupHash: shortHash('group') });
    expect((item!.users as Uint8Array).length).toBe(3 * 16);
    expect(item!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 30 * 86_400);
  });

  it('loads 250 single-part accounts with 3 BatchGetItem calls', async () => {
    const probe = probedStore(db, TABLE);
    const ids = Array.from({ length: 250 }, () => accountId('many'));
    await new UsageSyncState(probe.store).save(ids.map((id) => stateOf(id, usersOf(2), { groupHash: shortHash(id) })));
    const before = probe.count('BatchGetItem');

    const loaded = await new UsageSyncState(probe.store).load([...ids, ...ids.slice(0, 10)]);

    expect(probe.count('BatchGetItem') - before).toBe(3);
    expect(loaded.size).toBe(250);
    expect(loaded.get(ids[249]!)?.groupHash).toBe(shortHash(ids[249]!));
  });

  it('keeps 60,000 users in 3 parts and loads them exactly; shrunk to 10, it deletes the extra parts', async () => {
    const probe = probedStore(db, TABLE);
    const id = accountId('large');
    const large = stateOf(id, usersOf(60_000), { salesforceHash: shortHash('sf') });

    await new UsageSyncState(probe.store).save([large]);
    const stored = await probe.store.getMany(parts(id, 4));
    const reader = new UsageSyncState(probe.store);
    const before = probe.count('BatchGetItem');
    const loaded = await reader.load([id]);
    const loadCalls = probe.count('BatchGetItem') - before;
    const shrunk = stateOf(id, usersOf(10, 'n2'), { salesforceHash: shortHash('sf2') });
    await reader.save([shrunk]);

    expect(stored.map((item) => (item?.users as Uint8Array | undefined)?.length)).toEqual([
      USERS_PER_PART * 16,
      USERS_PER_PART * 16,
      (60_000 - 2 * USERS_PER_PART) * 16,
      undefined,
    ]);
    expect(stored[0]?.parts).toBe(3);
    expect(loadCalls).toBe(2);
    expect(loaded.get(id)!.users).toEqual(large.users);
    expect(loaded.get(id)!.salesforceHash).toBe(shortHash('sf'));
    expect((await probe.store.getMany(parts(id, 3))).map((item) => item?.sk)).toEqual(['part#0', undefined, undefined]);
    expect(await new UsageSyncState(probe.store).load([id])).toEqual(new Map([[id, shrunk]]));
  });

  it('deletes the extra parts of a shrunk account it did not load first', async () => {
    const { store } = probedStore(db, TABLE);
    const id = accountId('shrink-unseen');
    await new UsageSyncState(store).save([stateOf(id, usersOf(USERS_PER_PART + 1))]);

    await new UsageSyncState(store).save([stateOf(id, usersOf(1))]);

    expect((await store.getMany(parts(id, 2))).map((item) => item?.sk)).toEqual(['part#0', undefined]);
  });

  it('forgets the Salesforce hash only, and creates nothing for an account with no state', async () => {
    const { store } = probedStore(db, TABLE);
    const id = accountId('forget');
    const absent = accountId('forget-absent');
    const sync = new UsageSyncState(store);
    await sync.save([stateOf(id, usersOf(2), { salesforceHash: shortHash('sf'), groupHash: shortHash('g') })]);

    await sync.forgetSalesforce([id, absent, id]);
    const loaded = await sync.load([id, absent]);

    expect(loaded.get(id)).toEqual(stateOf(id, usersOf(2), { groupHash: shortHash('g') }));
    expect(loaded.has(absent)).toBe(false);
    expect(await store.get(parts(absent, 1)[0]!)).toBeUndefined();
  });

  it('refuses a user key or hash that is not 16 hex characters, before writing anything', async () => {
    const { store } = probedStore(db, TABLE);
    const id = accountId('bad');

    const bad = new UsageSyncState(store).save([stateOf(id, new Map([['u_1', shortHash('x')]]))]);

    await expect(bad).rejects.toThrow('user key u_1');
    expect(await store.get(parts(id, 1)[0]!)).toBeUndefined();
  });
});

import {
  ConditionFailed,
  DynamoStateStore,
  stateStoreSettings,
  type StateStore,
} from '../../../lib/clients/state-store.js';
import { parseEnv } from '../../../lib/config.js';
import { PermanentError, RetryableError } from '../../../lib/errors.js';
import type { LocalDynamoDb } from '../../../local/local-dynamodb.js';
import { FakeStateStore } from '../../support/fake-state-store.js';
import { probedStore, startStateTable } from '../../support/local-state-table.js';

const TABLE = 'switchboard-test-state';
let db: LocalDynamoDb;
let run = 0;

beforeAll(async () => {
  db = await startStateTable(TABLE);
});
afterAll(async () => db.stop());

/** A partition of its own per test, so that tests share the table without seeing each other's items. */
const partition = (): string => `test#${++run}`;
const keys = (pk: string, count: number) => Array.from({ length: count }, (_, i) => ({ pk, sk: `k#${i}` }));
const hourFromNow = () => Math.floor(Date.now() / 1000) + 3600;

// The fake must behave as DynamoDB does: one contract, run against both.
describe.each([
  ['DynamoStateStore on the local DynamoDB', (): StateStore => probedStore(db, TABLE).store],
  ['FakeStateStore', (): StateStore => new FakeStateStore()],
])('%s', (_name, makeStore) => {
  let store: StateStore;
  beforeEach(() => {
    store = makeStore();
  });

  it('puts and gets an item with strings, numbers, binary, string sets and maps', async () => {
    const pk = partition();
    const item = {
      pk,
      sk: 'a',
      text: 'é 😀',
      count: 3,
      bytes: new Uint8Array([0, 1, 255]),
      tags: new Set(['x', 'y']),
      nested: { at: '2025-01-01', list: [1, 'two'] },
    };

    await store.put(item);

    expect(await store.get({ pk, sk: 'a' })).toEqual(item);
    expect(await store.get({ pk, sk: 'missing' })).toBeUndefined();
  });

  it('puts only an absent item when asked, and says when one is there', async () => {
    const pk = partition();

    await store.put({ pk, sk: 'a', version: 1 }, { ifAbsent: true });
    const second = store.put({ pk, sk: 'a', version: 2 }, { ifAbsent: true });

    await expect(second).rejects.toBeInstanceOf(ConditionFailed);
    expect(await store.get({ pk, sk: 'a' })).toEqual({ pk, sk: 'a', version: 1 });
  });

  it('updates attributes without expression text, reserved words included, creating the item', async () => {
    const pk = partition();

    const first = await store.update(
      { pk, sk: 'a' },
      { set: { name: 'n', status: 'open' }, add: { count: 2 }, addToSet: { tags: ['a'] }, returnValues: 'ALL_NEW' },
    );
    const none = await store.update(
      { pk, sk: 'a' },
      { add: { count: -5 }, addToSet: { tags: ['b', 'a'], empty: [] }, remove: ['status'] },
    );

    expect(first).toEqual({ pk, sk: 'a', name: 'n', status: 'open', count: 2, tags: new Set(['a']) });
    expect(none).toBeUndefined();
    expect(await store.get({ pk, sk: 'a' })).toEqual({ pk, sk: 'a', name: 'n', count: -3, tags: new Set(['a', 'b']) });
  });

  it('writes an update only when its conditions hold, and throws ConditionFailed otherwise', async () => {
    const pk = partition();
    await store.put({ pk, sk: 'a', version: 1, owner: 'x' });

    await store.update(
      { pk, sk: 'a' },
      { set: { version: 2 }, condition: { equals: { version: 1 }, absent: ['lock'] } },
    );
    const stale = store.update({ pk, sk: 'a' }, { set: { version: 3 }, condition: { equals: { version: 1 } } });
    const locked = store.update({ pk, sk: 'a' }, { set: { version: 3 }, condition: { absent: ['owner'] } });
    const missing = store.update({ pk, sk: 'b' }, { remove: ['owner'], condition: { exists: true } });
    const created = store.update({ pk, sk: 'a' }, { set: { version: 9 }, condition: { exists: false } });

    await expect(stale).rejects.toBeInstanceOf(ConditionFailed);
    await expect(locked).rejects.toBeInstanceOf(ConditionFailed);
    await expect(missing).rejects.toMatchObject({ name: 'ConditionFailed', key: { pk, sk: 'b' } });
    await expect(created).rejects.toBeInstanceOf(ConditionFailed);
    expect(await store.get({ pk, sk: 'a' })).toEqual({ pk, sk: 'a', version: 2, owner: 'x' });
    expect(await store.get({ pk, sk: 'b' })).toBeUndefined();
  });

  it('raises a number only while it is absent or not above the new value (atMost)', async () => {
    const pk = partition();

    await store.update({ pk, sk: 'a' }, { set: { mark: 5 }, condition: { atMost: { mark: 5 } } });
    await store.update({ pk, sk: 'a' }, { set: { mark: 5 }, condition: { atMost: { mark: 5 } } });
    await store.update({ pk, sk: 'a' }, { set: { mark: 7 }, condition: { atMost: { mark: 7 } } });
    const lower = store.update({ pk, sk: 'a' }, { set: { mark: 6 }, condition: { atMost: { mark: 6 } } });

    await expect(lower).rejects.toBeInstanceOf(ConditionFailed);
    expect(await store.get({ pk, sk: 'a' })).toEqual({ pk, sk: 'a', mark: 7 });
  });

  it('sets a number from another attribute plus an amount, as the item was before the update (setFrom)', async () => {
    const pk = partition();
    await store.update({ pk, sk: 'a' }, { add: { counter: 10 } });

    const after = await store.update(
      { pk, sk: 'a' },
      { setFrom: { estimate: { attribute: 'counter', plus: -4 } }, add: { counter: 1 }, returnValues: 'ALL_NEW' },
    );

    expect(after).toEqual({ pk, sk: 'a', counter: 11, estimate: 6 });
  });

  it('gets many: one entry per key in order, duplicates included, undefined where there is none', async () => {
    const pk = partition();
    await store.putMany(keys(pk, 3).map((key, i) => ({ ...key, i })));

    const found = await store.getMany([
      { pk, sk: 'k#2' },
      { pk, sk: 'nope' },
      { pk, sk: 'k#0' },
      { pk, sk: 'k#2' },
    ]);

    expect(found).toEqual([{ pk, sk: 'k#2', i: 2 }, undefined, { pk, sk: 'k#0', i: 0 }, { pk, sk: 'k#2', i: 2 }]);
    expect(await store.getMany([])).toEqual([]);
  });

  it('puts many (the last of one key wins) and deletes many', async () => {
    const pk = partition();

    await store.putMany([
      { pk, sk: 'a', v: 1 },
      { pk, sk: 'b', v: 1 },
      { pk, sk: 'a', v: 2 },
    ]);
    await store.deleteMany([
      { pk, sk: 'b' },
      { pk, sk: 'b' },
      { pk, sk: 'never' },
    ]);

    expect(
      await store.getMany([
        { pk, sk: 'a' },
        { pk, sk: 'b' },
      ]),
    ).toEqual([{ pk, sk: 'a', v: 2 }, undefined]);
  });

  it('reads an item past its expiresAt as absent, as DynamoDB TTL will delete it', async () => {
    const pk = partition();
    await store.putMany([
      { pk, sk: 'old', expiresAt: Math.floor(Date.now() / 1000) - 1 },
      { pk, sk: 'new', expiresAt: hourFromNow() },
    ]);

    expect(await store.get({ pk, sk: 'old' })).toBeUndefined();
    expect(
      (
        await store.getMany([
          { pk, sk: 'old' },
          { pk, sk: 'new' },
        ])
      ).map((item) => item?.sk),
    ).toEqual([undefined, 'new']);
  });
});

describe('DynamoStateStore batches', () => {
  it('gets 250 keys (and duplicates) with 3 BatchGetItem calls of at most 100', async () => {
    const pk = partition();
    const probe = probedStore(db, TABLE);
    await probe.store.putMany(keys(pk, 250).map((key) => ({ ...key, v: key.sk })));
    const wanted = [...keys(pk, 250), ...keys(pk, 40)];

    const found = await probe.store.getMany(wanted);

    expect(probe.count('BatchGetItem')).toBe(3);
    expect(found.map((item) => item?.v)).toEqual(wanted.map((key) => key.sk));
  });

  it('puts 60 items with 3 BatchWriteItem calls of at most 25, and deletes 60 with 3 more', async () => {
    const pk = partition();
    const probe = probedStore(db, TABLE);

    await probe.store.putMany(keys(pk, 60).map((key) => ({ ...key, v: 1 })));
    const written = probe.count('BatchWriteItem');
    await probe.store.deleteMany(keys(pk, 60));

    expect(written).toBe(3);
    expect(probe.count('BatchWriteItem')).toBe(6);
    expect((await probe.store.getMany(keys(pk, 60))).filter(Boolean)).toEqual([]);
  });

  it('sends unprocessed keys again until DynamoDB has answered them all', async () => {
    const pk = partition();
    const probe = probedStore(db, TABLE, {
      unprocessed: (operation, call, size) => (call === 1 ? 30 : call === 2 ? Math.min(size, 5) : 0),
    });
    await probe.store.putMany(keys(pk, 100).map((key) => ({ ...key, v: key.sk })));

    const found = await probe.store.getMany(keys(pk, 100));

    expect(probe.count('BatchGetItem')).toBe(3);
    expect(found.map((item) => item?.v)).toEqual(keys(pk, 100).map((key) => key.sk));
  });

  it('sends unprocessed items again until DynamoDB has written them all', async () => {
    const pk = partition();
    const probe = probedStore(db, TABLE, { unprocessed: (operation, call) => (call <= 2 ? 10 : 0) });

    await probe.store.putMany(keys(pk, 25).map((key) => ({ ...key, v: 1 })));

    expect(probe.count('BatchWriteItem')).toBe(3);
    expect((await probe.store.getMany(keys(pk, 25))).filter(Boolean)).toHaveLength(25);
  });

  it('gives up with a RetryableError after a bounded number of calls that leave keys unprocessed', async () => {
    const pk = partition();
    const probe = probedStore(
      db,
      TABLE,
      { unprocessed: (operation, call, size) => size },
      { attempts: 4, baseDelayMs: 1 },
    );

    const failure = probe.store.getMany(keys(pk, 10));

    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    await expect(failure).rejects.toThrow('10 of 10 still unprocessed after 4 calls');
    expect(probe.count('BatchGetItem')).toBe(4);
  });
});

describe('DynamoStateStore errors', () => {
  const awsError = (name: string, status: number, fault: 'client' | 'server') =>
    Object.assign(new Error(`${name} from DynamoDB`), { name, $fault: fault, $metadata: { httpStatusCode: status } });

  it('classifies throttling, server errors and lost connections as retryable', async () => {
    const failing = (error: Error) => probedStore(db, TABLE, { fail: () => error }).store;
    const key = { pk: partition(), sk: 'a' };

    const throttled = failing(awsError('ProvisionedThroughputExceededException', 400, 'client')).get(key);
    const unavailable = failing(awsError('InternalServerError', 500, 'server')).putMany([key]);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { $metadata: { attempts: 3 } });
    const network = failing(refused).update(key, { add: { n: 1 } });

    await expect(throttled).rejects.toBeInstanceOf(RetryableError);
    await expect(unavailable).rejects.toBeInstanceOf(RetryableError);
    await expect(network).rejects.toBeInstanceOf(RetryableError);
  });

  it('throws a PermanentError for what DynamoDB refuses to store, e.g. an item over 400 KB', async () => {
    const { store } = probedStore(db, TABLE);

    const tooLarge = store.put({ pk: partition(), sk: 'big', bytes: new Uint8Array(410 * 1024) });

    await expect(tooLarge).rejects.toBeInstanceOf(PermanentError);
    await expect(tooLarge).rejects.toMatchObject({ code: 'STATE_STORE_INVALID' });
  });

  it('throws a PermanentError for a value the SDK cannot send, e.g. a Date', async () => {
    const { store } = probedStore(db, TABLE);

    const unsendable = store.put({ pk: partition(), sk: 'date', at: new Date() });

    await expect(unsendable).rejects.toMatchObject({ name: 'PermanentError', code: 'STATE_STORE_INVALID' });
  });
});

describe('stateStoreSettings', () => {
  it('needs the table name; the endpoint is for the local DynamoDB only', () => {
    expect(parseEnv(stateStoreSettings, { STATE_TABLE: 'switchboard-dev-state' })).toEqual({
      STATE_TABLE: 'switchboard-dev-state',
    });
    expect(() => parseEnv(stateStoreSettings, { DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567' })).toThrow(
      'STATE_TABLE is not set',
    );
    expect(() => parseEnv(stateStoreSettings, { STATE_TABLE: 't-state', DYNAMODB_ENDPOINT: 'nope' })).toThrow(
      'DYNAMODB_ENDPOINT',
    );
  });
});

describe('DynamoStateStore.create', () => {
  it('reaches the table at the given endpoint with the AWS settings of the environment', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    try {
      const store = DynamoStateStore.create({ tableName: TABLE, endpoint: db.endpoint });
      const key = { pk: partition(), sk: 'a' };

      await store.put({ ...key, v: 1 });

      expect(await store.get(key)).toEqual({ ...key, v: 1 });
    } finally {
      process.env = saved;
    }
  });
});

import type { MixpanelEmulator } from '../../../sandbox/mixpanel/index.js';
import { groupUpdate, postUpdates, startMixpanel } from './fixtures.js';

const TOKEN = 'groups-token';

describe('POST /groups', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanel({ projectToken: TOKEN, limits: { maxGroupUpdatesPerRequest: 3 } });
  });
  afterEach(() => mp.reset());
  afterAll(() => mp.stop());

  /** Sends each operation as its own update of group account_id/a1, in order. */
  async function apply(...operations: Record<string, unknown>[]): Promise<string> {
    const res = await postUpdates(
      mp,
      '/groups',
      operations.map((op) => groupUpdate(mp, 'account_id', 'a1', op)),
    );
    return res.text();
  }

  it('$set creates the group profile and overwrites values', async () => {
    expect(await apply({ $set: { name: 'Acme', plan: 'free' } }, { $set: { plan: 'pro' } })).toBe('1');
    expect(mp.group('account_id', 'a1')).toEqual({
      groupKey: 'account_id',
      groupId: 'a1',
      properties: { name: 'Acme', plan: 'pro' },
    });
  });

  it('$set_once, $add, $union, $remove and $unset follow the profile semantics', async () => {
    // Act
    const answer = await apply(
      { $set: { name: 'Acme', seats: 5, tags: ['a'], gone: 1 } },
      { $set_once: { name: 'Other', region: 'eu' } },
      { $add: { seats: 2 } },
    );
    const more = await apply({ $union: { tags: ['a', 'b'] } }, { $remove: { tags: 'a' } }, { $unset: ['gone'] });

    // Assert
    expect([answer, more]).toEqual(['1', '1']);
    expect(mp.group('account_id', 'a1')?.properties).toEqual({ name: 'Acme', seats: 7, tags: ['b'], region: 'eu' });
  });

  it('$delete removes the group profile', async () => {
    await apply({ $set: { name: 'Acme' } }, { $delete: null });
    expect(mp.group('account_id', 'a1')).toBeUndefined();
  });

  it('keys groups by group key and group id, a numeric id read as a string', async () => {
    // Act
    await postUpdates(mp, '/groups', [
      { $token: TOKEN, $group_key: 'account_id', $group_id: 7, $set: { n: 1 } },
      groupUpdate(mp, 'company', '7', { $set: { n: 2 } }),
    ]);

    // Assert
    expect(mp.group('account_id', '7')?.properties).toEqual({ n: 1 });
    expect(mp.group('company', '7')?.properties).toEqual({ n: 2 });
  });

  it.each([
    [
      '$append, which groups do not support',
      { $token: TOKEN, $group_key: 'k', $group_id: 'i', $append: { x: 1 } },
      '$append',
    ],
    ['no $group_key', { $token: TOKEN, $group_id: 'a1', $set: {} }, '$group_key'],
    ['no $group_id', { $token: TOKEN, $group_key: 'account_id', $set: {} }, '$group_id'],
  ])('answers 0 (verbose: the reason) to an update with %s', async (_label, update, reason) => {
    // Act
    const plain = await postUpdates(mp, '/groups', [update]);
    const verbose = await postUpdates(mp, '/groups', [update], '?verbose=1');

    // Assert
    expect(await plain.text()).toBe('0');
    expect(await verbose.json()).toEqual({ error: expect.stringContaining(reason), status: 0 });
  });

  it('answers 413 above the configured group batch size', async () => {
    // Arrange
    const updates = Array.from({ length: 4 }, (_, i) => groupUpdate(mp, 'account_id', `a${i}`, { $set: { i } }));

    // Act
    const res = await postUpdates(mp, '/groups', updates);

    // Assert
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('0');
    expect(mp.groups()).toEqual([]);
  });
});

import type { MixpanelEmulator } from '../../../sandbox/mixpanel/index.js';
import { fakeClock, postUpdates, startMixpanel, userUpdate } from './fixtures.js';

describe('POST /engage operations', () => {
  let mp: MixpanelEmulator;
  const clock = fakeClock();
  beforeAll(async () => {
    mp = await startMixpanel({ clock: clock.now });
  });
  afterEach(() => mp.reset());
  afterAll(() => mp.stop());

  /** Sends each operation as its own update of profile u_1, in order. */
  async function apply(...operations: Record<string, unknown>[]): Promise<void> {
    const res = await postUpdates(
      mp,
      '/engage',
      operations.map((op) => userUpdate(mp, 'u_1', op)),
    );
    expect(await res.text()).toBe('1');
  }

  it('$set creates the profile and overwrites existing values', async () => {
    await apply({ $set: { plan: 'free', seats: 1 } }, { $set: { plan: 'pro' } });
    expect(mp.profile('u_1')?.properties).toEqual({ plan: 'pro', seats: 1 });
  });

  it('$set_once sets only the properties the profile lacks', async () => {
    await apply({ $set: { first_seen: 'a' } }, { $set_once: { first_seen: 'b', source: 'zendesk' } });
    expect(mp.profile('u_1')?.properties).toEqual({ first_seen: 'a', source: 'zendesk' });
  });

  it('$add increments numbers, starting a missing one from 0, and can decrement', async () => {
    await apply({ $set: { tickets: 2 } }, { $add: { tickets: 3, logins: 1 } }, { $add: { tickets: -1 } });
    expect(mp.profile('u_1')?.properties).toEqual({ tickets: 4, logins: 1 });
  });

  it('$union merges lists without duplicating values', async () => {
    await apply({ $set: { tags: ['a', 'b'] } }, { $union: { tags: ['b', 'c', 'c'], fresh: [1] } });
    expect(mp.profile('u_1')?.properties).toEqual({ tags: ['a', 'b', 'c'], fresh: [1] });
  });

  it('$append pushes one value, starting a missing list', async () => {
    await apply({ $append: { seen: 'x' } }, { $append: { seen: 'x' } });
    expect(mp.profile('u_1')?.properties).toEqual({ seen: ['x', 'x'] });
  });

  it('$remove takes a value out of a list and ignores a missing list', async () => {
    await apply({ $set: { tags: ['a', 'b', 'a'] } }, { $remove: { tags: 'a', other: 'z' } });
    expect(mp.profile('u_1')?.properties).toEqual({ tags: ['b'] });
  });

  it('$remove on a missing profile creates nothing', async () => {
    await apply({ $remove: { tags: 'a' } });
    expect(mp.profile('u_1')).toBeUndefined();
  });

  it('$unset deletes the listed properties', async () => {
    await apply({ $set: { a: 1, b: 2, c: 3 } }, { $unset: ['a', 'c', 'missing'] });
    expect(mp.profile('u_1')?.properties).toEqual({ b: 2 });
  });

  it('$delete removes the whole profile', async () => {
    await apply({ $set: { a: 1 } }, { $delete: '' });
    expect(mp.profile('u_1')).toBeUndefined();
    expect(mp.profiles()).toEqual([]);
  });

  it('updates Last Seen unless $ignore_time is true', async () => {
    // Arrange
    const firstSeen = clock.now();
    await apply({ $set: { a: 1 } });
    clock.advance(60_000);

    // Act
    await apply({ $set: { a: 2 }, $ignore_time: true });
    const ignored = mp.profile('u_1');
    clock.advance(60_000);
    await apply({ $set: { a: 3 } });

    // Assert
    expect(ignored).toEqual({ distinctId: 'u_1', properties: { a: 2 }, lastSeen: new Date(firstSeen).toISOString() });
    expect(mp.profile('u_1')?.lastSeen).toBe(new Date(clock.now()).toISOString());
  });

  it('accepts $ip without storing it as a property', async () => {
    await apply({ $set: { a: 1 }, $ip: '203.0.113.9' });
    expect(mp.profile('u_1')?.properties).toEqual({ a: 1 });
  });
});

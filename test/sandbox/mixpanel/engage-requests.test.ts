import type { MixpanelEmulator } from '../../../sandbox/mixpanel/index.js';
import { postUpdates, startMixpanel, userUpdate } from './fixtures.js';

const TOKEN = 'engage-token';
const base64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

function postForm(mp: MixpanelEmulator, fields: Record<string, string>, query = ''): Promise<Response> {
  return fetch(`${mp.url}/engage${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('POST /engage request formats and answers', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanel({ projectToken: TOKEN, limits: { maxRecordBytes: 1024 } });
  });
  afterEach(() => mp.reset());
  afterAll(() => mp.stop());

  it('accepts a single update object as well as an array', async () => {
    // Act
    const res = await postUpdates(mp, '/engage', userUpdate(mp, 'u_1', { $set: { a: 1 } }));

    // Assert
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1');
    expect(mp.profile('u_1')?.properties).toEqual({ a: 1 });
  });

  it.each([
    ['base64 JSON', (updates: unknown) => base64(updates)],
    ['plain JSON', (updates: unknown) => JSON.stringify(updates)],
  ])('accepts form-encoded data=<%s> as the SDKs send it', async (_label, encode) => {
    // Arrange
    const updates = [userUpdate(mp, 'u_1', { $set: { a: 1 } }), userUpdate(mp, 'u_2', { $set: { b: 2 } })];

    // Act
    const res = await postForm(mp, { data: encode(updates) });

    // Assert
    expect(await res.text()).toBe('1');
    expect(mp.profiles().map((p) => p.distinctId)).toEqual(['u_1', 'u_2']);
  });

  it('accepts GET with ?data=', async () => {
    // Act
    const res = await fetch(
      `${mp.url}/engage?data=${encodeURIComponent(base64(userUpdate(mp, 'u_1', { $set: { a: 1 } })))}`,
    );

    // Assert
    expect(await res.text()).toBe('1');
    expect(mp.profile('u_1')).toBeDefined();
  });

  it.each([
    ['the query', (mp: MixpanelEmulator, data: string) => postForm(mp, { data }, '?verbose=1')],
    ['the form', (mp: MixpanelEmulator, data: string) => postForm(mp, { data, verbose: '1' })],
  ])('answers {"status":1,"error":null} with verbose=1 in %s', async (_label, send) => {
    // Act
    const res = await send(mp, base64([userUpdate(mp, 'u_1', { $set: { a: 1 } })]));

    // Assert
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ error: null, status: 1 });
  });

  it.each([
    ['no $token', { $distinct_id: 'u_1', $set: { a: 1 } }, '$token'],
    ['no $distinct_id', { $token: TOKEN, $set: { a: 1 } }, '$distinct_id'],
    ['no operation', { $token: TOKEN, $distinct_id: 'u_1' }, 'exactly one operation'],
    ['two operations', { $token: TOKEN, $distinct_id: 'u_1', $set: { a: 1 }, $add: { n: 1 } }, 'exactly one operation'],
    ['a non-numeric $add', { $token: TOKEN, $distinct_id: 'u_1', $add: { n: 'one' } }, '$add'],
    ['a $union value that is not a list', { $token: TOKEN, $distinct_id: 'u_1', $union: { tags: 'a' } }, '$union'],
    ['an $unset that is not a list', { $token: TOKEN, $distinct_id: 'u_1', $unset: 'a' }, '$unset'],
    [
      'an update over the size limit',
      { $token: TOKEN, $distinct_id: 'u_1', $set: { blob: 'x'.repeat(1024) } },
      'max size',
    ],
  ])('answers 200 with 0 (verbose: status 0 and the reason) to an update with %s', async (_label, update, reason) => {
    // Act
    const plain = await postUpdates(mp, '/engage', [update]);
    const verbose = await postUpdates(mp, '/engage', [update], '?verbose=1');

    // Assert
    expect(plain.status).toBe(200);
    expect(await plain.text()).toBe('0');
    expect(verbose.status).toBe(200);
    expect(await verbose.json()).toEqual({ error: expect.stringContaining(reason), status: 0 });
    expect(mp.profiles()).toEqual([]);
  });

  it('answers 1 and applies the valid updates when only some are invalid', async () => {
    // Act
    const updates = [{ $distinct_id: 'u_bad', $set: {} }, userUpdate(mp, 'u_1', { $set: { a: 1 } })];
    const res = await postUpdates(mp, '/engage', updates, '?verbose=1');

    // Assert
    expect(await res.json()).toEqual({ error: null, status: 1 });
    expect(mp.profiles().map((p) => p.distinctId)).toEqual(['u_1']);
    expect(mp.stats()).toMatchObject({ profileUpdates: 1, invalidUpdates: 1 });
  });

  it("answers 1 to another project's token but never applies the update", async () => {
    // Act
    const res = await postUpdates(mp, '/engage', [{ $token: 'another-token', $distinct_id: 'u_1', $set: { a: 1 } }]);

    // Assert
    expect(await res.text()).toBe('1');
    expect(mp.profile('u_1')).toBeUndefined();
    expect(mp.stats().droppedUpdates).toBe(1);
  });

  it('answers 0 to a body that is not JSON', async () => {
    // Act
    const res = await fetch(`${mp.url}/engage?verbose=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[{',
    });

    // Assert
    expect(await res.json()).toEqual({ error: expect.stringContaining('unable to parse'), status: 0 });
  });

  it('answers 413 to more than 2,000 updates and applies none', async () => {
    // Arrange
    const updates = Array.from({ length: 2001 }, (_, i) => userUpdate(mp, `u_${i}`, { $set: { i } }));

    // Act
    const res = await postUpdates(mp, '/engage', updates, '?verbose=1');

    // Assert
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'request exceeds max limit of 2000 updates', status: 0 });
    expect(mp.profiles()).toEqual([]);
  });
});

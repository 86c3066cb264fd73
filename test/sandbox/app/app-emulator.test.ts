import { generateUsage, startAppEmulator, type AppEmulator } from '../../../sandbox/app/index.js';
import { collect } from '../../support/usage-export.js';

const usage = { users: 23, accounts: 5, asOf: Date.parse('2026-01-15T02:00:00Z'), seed: 2 };

describe('the app emulator', () => {
  let app: AppEmulator;
  const get = (path: string, token: string | null = app.token) =>
    fetch(`${app.url}${path}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

  beforeEach(async () => {
    app = await startAppEmulator({ usage });
  });
  afterEach(async () => app.stop());

  it('asks for the bearer token, and says when a token is wrong', async () => {
    const none = await get('/export/usage', null);
    const wrong = await get('/export/usage', 'guess');

    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="usage-export"');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="usage-export", error="invalid_token"');
  });

  it('serves NDJSON pages of `limit` rows linked by rel="next", none after the last', async () => {
    const pages: string[][] = [];
    const links: Array<string | null> = [];
    for (let path: string | null = '/export/usage?limit=10'; path !== null;) {
      const res = await get(path);
      expect(res.headers.get('content-type')).toBe('application/x-ndjson');
      pages.push((await res.text()).trimEnd().split('\n'));
      links.push(res.headers.get('link'));
      path = /<([^>]*)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
    }

    expect(pages.map((page) => page.length)).toEqual([10, 10, 3]);
    expect(links[0]).toMatch(/^<\/export\/usage\?cursor=[\w-]+&limit=10>; rel="next"$/);
    expect(links[2]).toBeNull();
    expect(pages.flat().map((line) => JSON.parse(line))).toEqual(await collect(generateUsage(usage)));
  });

  it('names absolute next pages when told to', async () => {
    await app.stop();
    app = await startAppEmulator({ usage, pageSize: 10, links: 'absolute' });

    const res = await get('/export/usage');

    expect(res.headers.get('link')).toMatch(new RegExp(`^<${app.url}/export/usage\\?cursor=`));
  });

  it('refuses a bad limit, a made-up cursor and a cursor of another night', async () => {
    const next = /<([^>]*)>/.exec((await get('/export/usage?limit=5')).headers.get('link') ?? '')?.[1] ?? '';
    app.setUsage({ ...usage, changedShare: 0.1 });

    expect((await get('/export/usage?limit=0')).status).toBe(400);
    expect((await get('/export/usage?limit=50001')).status).toBe(400);
    expect((await get('/export/usage?cursor=bm9wZQ')).status).toBe(400);
    expect((await get(next)).status).toBe(400);
  });

  it('shows the night it serves in its inspection state', async () => {
    app.setUsage({ ...usage, changedShare: 0.1 });

    const state = await (await fetch(`${app.url}/__sandbox/state`)).json();

    expect(state).toEqual({ usage: { ...usage, changedShare: 0.1 }, pageSize: 10_000 });
  });
});

import { PermanentError, RetryableError } from '../../../lib/errors.js';
import { fetchExportPage, nextLink } from '../../../lib/usage/export-pages.js';
import { newReadStats, readUsageRows, type UsageRow } from '../../../lib/usage/rows.js';
import { generateUsage, startAppEmulator, type AppEmulator } from '../../../sandbox/app/index.js';
import { asUsageRow, collect, emulatorSource } from '../../support/usage-export.js';

const usage = { users: 25, accounts: 5, asOf: Date.parse('2026-01-15T02:00:00Z'), seed: 5 };

/** A fetch that answers once with the given status, headers and body, and records the request. */
function answering(status: number, headers: Record<string, string> = {}, body = '') {
  const requests: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fake: typeof fetch = (url, init) => {
    requests.push({ url: url instanceof Request ? url.url : url.toString(), init });
    return Promise.resolve(new Response(status === 204 ? null : body, { status, headers }));
  };
  return { fetch: fake, requests };
}

describe('fetchExportPage against the app emulator', () => {
  let app: AppEmulator;

  beforeAll(async () => {
    app = await startAppEmulator({ usage, pageSize: 10 });
  });
  afterAll(async () => app.stop());
  beforeEach(() => app.resetCalls());

  it('follows the relative rel="next" links across three pages to exactly the generated rows', async () => {
    const rows: UsageRow[] = [];
    const stats = newReadStats();
    const urls: string[] = [];
    for (let url: string | null = app.exportUrl; url !== null;) {
      urls.push(url);
      const page = await fetchExportPage(url, app.token);
      rows.push(...(await collect(readUsageRows(page.body, emulatorSource('ndjson'), stats))));
      url = page.next;
    }

    expect(urls).toHaveLength(3);
    expect(urls.slice(1).every((url) => url.startsWith(`${app.url}/export/usage?cursor=`))).toBe(true);
    expect(stats.invalid).toBe(0);
    expect(rows).toEqual((await collect(generateUsage(usage))).map(asUsageRow));
    expect(app.calls().byEndpoint).toEqual({ 'export.usage': 3 });
  });

  it('refuses a wrong token without repeating it', async () => {
    const refused = await fetchExportPage(app.exportUrl, 'not-the-token').catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(PermanentError);
    expect((refused as Error).message).toBe(`The export token was refused by ${app.exportUrl} (HTTP 401)`);
  });

  it('gives up on a page that takes longer than the timeout, as a retryable failure', async () => {
    app.setLatency(400);
    const slow = fetchExportPage(app.exportUrl, app.token, fetch, { timeoutMs: 50 });

    await expect(slow).rejects.toThrow(RetryableError);
    await expect(slow).rejects.toThrow('did not answer within 50 ms');
    app.setLatency(undefined);
  });
});

describe('fetchExportPage answers', () => {
  const url = 'https://app.example.com/export/usage?cursor=abc';

  it('sends the token as a bearer credential and reads an absolute next link', async () => {
    const fake = answering(200, { link: '<https://app.example.com/export/usage?cursor=def>; rel="next"' }, '{}\n');

    const page = await fetchExportPage(url, 'secret-token', fake.fetch);

    expect(new Headers(fake.requests[0]?.init?.headers).get('authorization')).toBe('Bearer secret-token');
    expect(page.next).toBe('https://app.example.com/export/usage?cursor=def');
    expect(Buffer.concat(await collect(page.body)).toString()).toBe('{}\n');
  });

  it('resolves a relative next link against the page it came with', async () => {
    const page = await fetchExportPage(url, 't', answering(200, { link: '<?cursor=def>; rel=next' }).fetch);

    expect(page.next).toBe('https://app.example.com/export/usage?cursor=def');
  });

  it('ends on a page without a next link', async () => {
    const page = await fetchExportPage(url, 't', answering(200, { link: '</export/usage>; rel="first"' }).fetch);

    expect(page.next).toBeNull();
  });

  it('never follows a next link to another origin with the token', async () => {
    const away = answering(200, { link: '<https://elsewhere.example.net/export?cursor=def>; rel="next"' });

    await expect(fetchExportPage(url, 't', away.fetch)).rejects.toThrow('links its next page to another origin');
  });

  it.each([
    ['in seconds', () => '30', 30],
    ['as an HTTP date', () => new Date(Date.now() + 120_000).toUTCString(), 120],
  ])('retries a 429 after its Retry-After %s', async (_, retryAfter, seconds) => {
    const error = await fetchExportPage(url, 't', answering(429, { 'retry-after': retryAfter() }).fetch).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterSeconds).toBeGreaterThanOrEqual(seconds - 1);
    expect((error as RetryableError).retryAfterSeconds).toBeLessThanOrEqual(seconds);
  });

  it.each([
    [503, RetryableError, 'answered HTTP 503'],
    [403, PermanentError, 'The export token was refused'],
    [404, PermanentError, 'No usage export at https://app.example.com/export/usage (HTTP 404)'],
    [400, PermanentError, 'refused the request (HTTP 400)'],
  ])('classifies HTTP %s', async (status, kind, message) => {
    const error = await fetchExportPage(url, 't', answering(status).fetch).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(kind);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('cursor=abc');
  });

  it('refuses an HTML page answered 200', async () => {
    const login = answering(200, { 'content-type': 'text/html; charset=utf-8' }, '<html>Sign in</html>');

    await expect(fetchExportPage(url, 't', login.fetch)).rejects.toThrow('an HTML page, not NDJSON');
  });

  it('retries when the app cannot be reached', async () => {
    const unreachable = fetchExportPage('http://127.0.0.1:1/export/usage', 't');

    await expect(unreachable).rejects.toThrow(RetryableError);
    await expect(unreachable).rejects.toThrow('could not be reached');
  });
});

describe('nextLink', () => {
  const base = 'https://app.example.com/export/usage?cursor=1';

  it('picks rel="next" among several links and relation types', () => {
    const header = '<https://app.example.com/a>; rel="prev", <./usage?cursor=2>; title="x, y"; rel="last next"';

    expect(nextLink(header, base)).toBe('https://app.example.com/export/usage?cursor=2');
  });

  it('is null without a header or a next relation', () => {
    expect(nextLink(null, base)).toBeNull();
    expect(nextLink('<https://app.example.com/a>; rel="nextish"', base)).toBeNull();
  });
});

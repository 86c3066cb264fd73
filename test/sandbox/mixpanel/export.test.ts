import { gunzipSync } from 'node:zlib';
import type { MixpanelEmulator } from '../../../sandbox/mixpanel/index.js';
import { anEvent, basic, fakeClock, NOW, serviceAccountAuth, startMixpanel, tokenAuth } from './fixtures.js';

const DAY_SECONDS = 86_400;
/** 2025-01-14T00:00:00Z, the day before the fake clock's "today". */
const YESTERDAY = NOW / 1000 - DAY_SECONDS - 12 * 3600;

interface ExportCall {
  auth?: string;
  headers?: Record<string, string>;
}

function exportUrl(mp: MixpanelEmulator, params: Record<string, string>): string {
  return `${mp.url}/api/2.0/export?${new URLSearchParams({ project_id: mp.config.projectId, ...params }).toString()}`;
}

function getExport(mp: MixpanelEmulator, params: Record<string, string>, call: ExportCall = {}): Promise<Response> {
  return fetch(exportUrl(mp, params), {
    headers: { authorization: call.auth ?? serviceAccountAuth(mp), accept: 'text/plain', ...call.headers },
  });
}

/** The JSONL body as objects. */
async function lines(res: Response): Promise<Array<{ event: string; properties: Record<string, unknown> }>> {
  const text = await res.text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { event: string; properties: Record<string, unknown> });
}

describe('GET /api/2.0/export', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanel({ exportRateLimit: { perSecond: 1000, perHour: 1000 } });
  });
  afterEach(() => mp.reset());
  afterAll(() => mp.stop());

  it('answers the events of the inclusive UTC days as JSONL, time in seconds, in time order', async () => {
    // Arrange
    const dayStart = YESTERDAY;
    mp.seedEvents([
      anEvent({ time: dayStart + 3600, $insert_id: 'late' }),
      anEvent({ time: (dayStart - 1) * 1000, $insert_id: 'day-before' }),
      anEvent({ time: dayStart * 1000, $insert_id: 'first-ms', accepted_ip: '203.0.113.9', ip: '198.51.100.1' }),
      anEvent({ time: dayStart + DAY_SECONDS, $insert_id: 'today' }),
    ]);

    // Act
    const res = await getExport(mp, { from_date: '2025-01-14', to_date: '2025-01-14' });

    // Assert
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await lines(res)).toEqual([
      {
        event: 'Terms Accepted',
        properties: { time: dayStart, distinct_id: 'u_1', $insert_id: 'first-ms', accepted_ip: '203.0.113.9' },
      },
      { event: 'Terms Accepted', properties: { time: dayStart + 3600, distinct_id: 'u_1', $insert_id: 'late' } },
    ]);
  });

  it('spans several days, filters by the event JSON array and caps at limit', async () => {
    // Arrange
    mp.seedEvents([
      anEvent({ time: YESTERDAY - DAY_SECONDS }, 'A'),
      anEvent({ time: YESTERDAY }, 'B'),
      anEvent({ time: YESTERDAY + 60 }, 'A'),
      anEvent({ time: YESTERDAY + 120 }, 'A'),
    ]);

    // Act
    const onlyA = await lines(await getExport(mp, { from_date: '2025-01-13', to_date: '2025-01-15', event: '["A"]' }));
    const firstTwo = await lines(await getExport(mp, { from_date: '2025-01-13', to_date: '2025-01-15', limit: '2' }));
    const none = await getExport(mp, { from_date: '2020-01-01', to_date: '2020-01-31' });

    // Assert
    expect(onlyA.map((line) => line.properties.time)).toEqual([
      YESTERDAY - DAY_SECONDS,
      YESTERDAY + 60,
      YESTERDAY + 120,
    ]);
    expect(firstTwo.map((line) => line.event)).toEqual(['A', 'B']);
    expect(none.status).toBe(200);
    expect(await none.text()).toBe('');
  });

  it('filters with where: property == literal, joined by and / or', async () => {
    // Arrange
    mp.seedEvents([
      anEvent({ time: YESTERDAY, acceptance_id: 'a-1', terms_version: 'v1' }),
      anEvent({ time: YESTERDAY + 1, acceptance_id: 'a-2', terms_version: 'v2' }),
      anEvent({ time: YESTERDAY + 2, acceptance_id: 'a "3"', terms_version: 'v2', seats: 3 }),
    ]);
    const ids = async (where: string): Promise<unknown[]> =>
      (await lines(await getExport(mp, { from_date: '2025-01-14', to_date: '2025-01-14', where }))).map(
        (line) => line.properties.acceptance_id,
      );

    // Act + Assert
    expect(await ids('properties["acceptance_id"] == "a-2"')).toEqual(['a-2']);
    expect(await ids('properties["terms_version"]=="v2" and properties["acceptance_id"] != "a-2"')).toEqual(['a "3"']);
    expect(await ids('properties["acceptance_id"] == "a-1" or properties["acceptance_id"] == "a \\"3\\""')).toEqual([
      'a-1',
      'a "3"',
    ]);
    expect(
      await ids(
        '(properties["seats"] == 3 or properties["acceptance_id"] == "a-1") and properties["terms_version"] == "v1"',
      ),
    ).toEqual(['a-1']);
  });

  it('refuses where expressions the sandbox does not evaluate, rather than ignoring them', async () => {
    // Act
    const res = await getExport(mp, {
      from_date: '2025-01-14',
      to_date: '2025-01-14',
      where: 'properties["seats"] > 3',
    });

    // Assert
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/unsupported where expression/);
  });

  it.each([
    ['from_date missing', { to_date: '2025-01-14' }, /from_date is required/],
    ['an impossible date', { from_date: '2025-02-30', to_date: '2025-03-01' }, /from_date is not a valid/],
    ['a date in another format', { from_date: '2025-01-14', to_date: '14/01/2025' }, /to_date is not a valid/],
    ['from_date after to_date', { from_date: '2025-01-15', to_date: '2025-01-14' }, /must not be after/],
    ['event not a JSON array', { from_date: '2025-01-14', to_date: '2025-01-14', event: 'Signed up' }, /JSON array/],
    ['limit over 100,000', { from_date: '2025-01-14', to_date: '2025-01-14', limit: '100001' }, /limit must be/],
  ])('answers 400 in plain text for %s', async (_label, params, message) => {
    // Act
    const res = await getExport(mp, params);

    // Assert
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(message);
  });

  it('takes a service account with project_id only', async () => {
    // Arrange
    const range = { from_date: '2025-01-14', to_date: '2025-01-14' };

    // Act
    const wrongSecret = await getExport(mp, range, {
      auth: basic(mp.config.serviceAccounts[0]?.username ?? '', 'nope'),
    });
    const token = await getExport(mp, range, { auth: tokenAuth(mp) });
    const noProject = await fetch(`${mp.url}/api/2.0/export?from_date=2025-01-14&to_date=2025-01-14`, {
      headers: { authorization: serviceAccountAuth(mp) },
    });
    const otherProject = await getExport(mp, { ...range, project_id: '999' });

    // Assert
    expect([wrongSecret.status, token.status, noProject.status, otherProject.status]).toEqual([401, 401, 400, 403]);
    expect(await noProject.text()).toMatch(/project_id is required/);
  });

  it('gzips a large answer when the client accepts gzip', async () => {
    // Arrange
    mp.seedEvents(Array.from({ length: 40 }, (_, i) => anEvent({ time: YESTERDAY + i, note: 'x'.repeat(50) })));
    const url = exportUrl(mp, { from_date: '2025-01-14', to_date: '2025-01-14' });

    // Act: node's http keeps the body as sent, so the encoding is visible
    const { request } = await import('node:http');
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      request(url, { headers: { authorization: serviceAccountAuth(mp), 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });

    // Assert
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString('utf8').trim().split('\n')).toHaveLength(40);
  });
});

describe('GET /api/2.0/export rate limit', () => {
  let mp: MixpanelEmulator | undefined;
  afterEach(() => mp?.stop());

  it('answers 429 past 3 queries in a second, and again later', async () => {
    // Arrange
    const clock = fakeClock();
    mp = await startMixpanel({ clock: clock.now });
    const range = { from_date: '2025-01-14', to_date: '2025-01-14' };
    for (let i = 0; i < 3; i += 1) expect((await getExport(mp, range)).status).toBe(200);

    // Act
    const limited = await getExport(mp, range);
    clock.advance(1001);
    const later = await getExport(mp, range);

    // Assert
    expect(limited.status).toBe(429);
    expect(later.status).toBe(200);
    expect(mp.calls().byEndpoint).toEqual({ export: 5 });
  });

  it('answers 429 past 60 queries in an hour until reset()', async () => {
    // Arrange
    const clock = fakeClock();
    mp = await startMixpanel({ clock: clock.now });
    const range = { from_date: '2025-01-14', to_date: '2025-01-14' };
    for (let i = 0; i < 60; i += 1) {
      await getExport(mp, range);
      clock.advance(1000);
    }

    // Act
    const limited = await getExport(mp, range);
    mp.reset();
    const afterReset = await getExport(mp, range);

    // Assert
    expect(limited.status).toBe(429);
    expect(afterReset.status).toBe(200);
  });
});

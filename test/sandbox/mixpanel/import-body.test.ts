import type { MixpanelEmulator } from '../../../sandbox/mixpanel/index.js';
import { anEvent, postImport, startMixpanel } from './fixtures.js';

const ndjson = (events: unknown[]): string => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

describe('POST /import bodies and limits', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanel({ limits: { maxBodyBytes: 4096 } });
  });
  afterEach(() => mp.reset());
  afterAll(() => mp.stop());

  it('imports a JSON array', async () => {
    // Act
    const res = await postImport(mp, [anEvent({ distinct_id: 'u_a' }), anEvent({ distinct_id: 'u_b' })]);

    // Assert
    expect(await res.json()).toEqual({ code: 200, num_records_imported: 2, status: 'OK' });
    expect(mp.events().map((e) => e.properties.distinct_id)).toEqual(['u_a', 'u_b']);
  });

  it('imports NDJSON sent as application/x-ndjson, skipping blank lines', async () => {
    // Act
    const res = await postImport(mp, ndjson([anEvent(), anEvent()]) + '\n', { contentType: 'application/x-ndjson' });

    // Assert
    expect(await res.json()).toEqual({ code: 200, num_records_imported: 2, status: 'OK' });
    expect(mp.events()).toHaveLength(2);
  });

  it.each([
    ['a JSON array', 'application/json', (events: unknown[]) => JSON.stringify(events)],
    ['NDJSON', 'application/x-ndjson', ndjson],
  ])('gunzips %s sent with Content-Encoding: gzip', async (_label, contentType, encode) => {
    // Arrange
    const events = [anEvent(), anEvent(), anEvent()];

    // Act
    const res = await postImport(mp, encode(events), { contentType, gzip: true });

    // Assert
    expect(await res.json()).toEqual({ code: 200, num_records_imported: 3, status: 'OK' });
  });

  it('answers 400 to a body that is not JSON and imports nothing', async () => {
    // Act
    const res = await postImport(mp, '[{"event": "x", ');

    // Assert
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 400,
      status: 'Bad Request',
      error: expect.stringContaining('unable to parse'),
    });
    expect(mp.events()).toEqual([]);
  });

  it('answers 400 to an empty batch', async () => {
    // Act
    const res = await postImport(mp, []);

    // Assert
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 400, status: 'Bad Request' });
  });

  it('answers 413 when the uncompressed body exceeds the byte limit, even gzipped', async () => {
    // Arrange: compresses to far below the 4096-byte limit, but is larger uncompressed
    const events = [anEvent({ note: 'x'.repeat(200) })];
    const body = JSON.stringify(events).padEnd(5000, ' ');

    // Act
    const res = await postImport(mp, body, { gzip: true });

    // Assert
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      code: 413,
      error: 'request exceeds max limit of 4096 bytes',
      status: 'Request Entity Too Large',
    });
    expect(mp.events()).toEqual([]);
  });
});

describe('POST /import event-count limit', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanel();
  });
  afterAll(() => mp.stop());

  it('accepts 2,000 events and answers 413 to 2,001 without importing any', async () => {
    // Arrange
    const batch = (n: number) => Array.from({ length: n }, () => anEvent());

    // Act
    const atLimit = await postImport(mp, batch(2000));
    const overLimit = await postImport(mp, batch(2001));

    // Assert
    expect(await atLimit.json()).toEqual({ code: 200, num_records_imported: 2000, status: 'OK' });
    expect(overLimit.status).toBe(413);
    expect(await overLimit.json()).toEqual({
      code: 413,
      error: 'request exceeds max limit of 2000 events',
      status: 'Request Entity Too Large',
    });
    expect(mp.stats().storedEvents).toBe(2000);
  });
});

import type { MixpanelEmulator } from '../../../sandbox/mixpanel/index.js';
import { anEvent, NOW, NOW_SECONDS, postImport, startMixpanel } from './fixtures.js';

/** The ids the import reference refuses (docs.mixpanel.com reference/import-events). */
const DOCUMENTED_PLACEHOLDERS = [
  '00000000-0000-0000-0000-000000000000',
  'anon',
  'anonymous',
  'nil',
  'none',
  'null',
  'n/a',
  'na',
  'undefined',
  'unknown',
  '<nil>',
  '0',
  '-1',
  'true',
  'false',
  '[]',
  '{}',
];
const HOUR_MS = 60 * 60 * 1000;

/** Extra properties that bring an event to `n` in all (time, distinct_id and $insert_id included). */
const propertiesUpTo = (n: number) => Object.fromEntries(Array.from({ length: n - 3 }, (_, i) => [`p${i}`, i]));

describe('POST /import?strict=1 validation', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanel({ limits: { maxRecordBytes: 16_384 } });
  });
  afterEach(() => mp.reset());
  afterAll(() => mp.stop());

  /** Sends a valid event then `bad`; expects a 400 naming `bad` at index 1 and the valid one imported. */
  async function expectRejected(bad: unknown, field: string): Promise<void> {
    const res = await postImport(mp, [anEvent({ distinct_id: 'u_ok' }), bad]);
    const body = (await res.json()) as { failed_records: { field: string }[] };
    expect(res.status).toBe(400);
    expect(body).toMatchObject({
      code: 400,
      error: 'some data points in the request failed validation',
      num_records_imported: 1,
      status: 'Bad Request',
      failed_records: [{ index: 1, field, message: expect.stringContaining(`'${field}' is invalid`) }],
    });
    expect(mp.events().map((e) => e.properties.distinct_id)).toEqual(['u_ok']);
  }

  it('reports each failed record with its index and insert_id while importing the valid ones', async () => {
    // Arrange
    const events = [
      anEvent({ $insert_id: 'bad-1', time: undefined }),
      anEvent(),
      anEvent({ $insert_id: 'bad-2', distinct_id: 'anon' }),
    ];

    // Act
    const res = await postImport(mp, events);

    // Assert
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: 400,
      error: 'some data points in the request failed validation',
      failed_records: [
        {
          index: 0,
          insert_id: 'bad-1',
          field: 'properties.time',
          message: "'properties.time' is invalid: must be specified as seconds since epoch",
        },
        {
          index: 2,
          insert_id: 'bad-2',
          field: 'properties.distinct_id',
          message: "'properties.distinct_id' is invalid: 'anon' is not allowed as an id",
        },
      ],
      num_records_imported: 1,
      status: 'Bad Request',
    });
    expect(mp.events()).toHaveLength(1);
    expect(mp.stats()).toMatchObject({ importedRecords: 1, failedRecords: 2 });
  });

  it.each([
    ['a record that is not an object', 'not-an-event', 'event'],
    ['a missing event name', { properties: anEvent().properties }, 'event'],
    ['an empty event name', { ...anEvent(), event: '' }, 'event'],
    ['missing properties', { event: 'x' }, 'properties'],
    ['a missing time', anEvent({ time: undefined }), 'properties.time'],
    ['a time that is not a number', anEvent({ time: '2025-01-01' }), 'properties.time'],
    ['a time before 1971 (seconds)', anEvent({ time: Date.UTC(1970, 11, 31) / 1000 }), 'properties.time'],
    ['a time before 1971 (ms)', anEvent({ time: Date.UTC(1970, 11, 31) }), 'properties.time'],
    ['a time more than 1 h ahead', anEvent({ time: (NOW + HOUR_MS + 1000) / 1000 }), 'properties.time'],
    ['a missing distinct_id', anEvent({ distinct_id: undefined }), 'properties.distinct_id'],
    ['a missing $insert_id', anEvent({ $insert_id: undefined }), '$insert_id'],
    ['a $insert_id over 36 bytes', anEvent({ $insert_id: 'a'.repeat(37) }), '$insert_id'],
    ['a $insert_id with other characters', anEvent({ $insert_id: 'ajs:abc_1' }), '$insert_id'],
    ['a placeholder $insert_id', anEvent({ $insert_id: 'undefined' }), '$insert_id'],
    ['an event of the record-size limit or more', anEvent({ blob: 'x'.repeat(16_384) }), 'properties'],
  ])('rejects %s', async (_label, bad, field) => {
    await expectRejected(bad, field);
  });

  it.each(DOCUMENTED_PLACEHOLDERS)('rejects the placeholder distinct_id %j', async (placeholder) => {
    await expectRejected(anEvent({ distinct_id: placeholder }), 'properties.distinct_id');
  });

  it('compares placeholders case-insensitively', async () => {
    await expectRejected(anEvent({ distinct_id: 'NULL' }), 'properties.distinct_id');
  });

  it.each([
    ['255 properties', propertiesUpTo(255), 'properties'],
    ['a list of 255 elements', { tags: Array.from({ length: 255 }, (_, i) => i) }, 'properties.tags'],
    [
      'a nested object of 255 keys',
      { meta: Object.fromEntries(Array.from({ length: 255 }, (_, i) => [`k${i}`, i])) },
      'properties.meta',
    ],
    ['objects nested 4 deep', { meta: { a: { b: { c: { d: 1 } } } } }, 'properties.meta'],
  ])('rejects %s', async (_label, props, field) => {
    await expectRejected(anEvent(props), field);
  });

  it('accepts 254 properties, objects nested 3 deep, an empty distinct_id and a 36-byte $insert_id', async () => {
    // Arrange
    const events = [
      anEvent(propertiesUpTo(254)),
      anEvent({ meta: { a: { b: { c: 1 } } } }),
      anEvent({ distinct_id: '' }),
      anEvent({ $insert_id: 'A-'.repeat(18) }),
    ];

    // Act
    const res = await postImport(mp, events);

    // Assert
    expect(await res.json()).toEqual({ code: 200, num_records_imported: 4, status: 'OK' });
  });

  it('stores time in milliseconds whether sent in seconds or milliseconds', async () => {
    // Arrange
    const at = NOW - 5 * 60 * 1000;

    // Act
    await postImport(mp, [anEvent({ distinct_id: 's', time: at / 1000 }), anEvent({ distinct_id: 'ms', time: at })]);

    // Assert
    expect(mp.events().map((e) => e.properties.time)).toEqual([at, at]);
  });

  it('accepts a time up to 1 h ahead and stores it as the present', async () => {
    // Act
    const res = await postImport(mp, [anEvent({ time: NOW_SECONDS + 30 * 60 })]);

    // Assert
    expect(res.status).toBe(200);
    expect(mp.events()[0]?.properties.time).toBe(NOW);
  });

  it('drops the geolocated ip property and keeps the others verbatim', async () => {
    // Act
    await postImport(mp, [anEvent({ ip: '203.0.113.9', accepted_ip: '203.0.113.9', plan: { tier: 'pro' } })]);

    // Assert
    const [stored] = mp.events();
    expect(stored?.properties).not.toHaveProperty('ip');
    expect(stored?.properties).toMatchObject({ accepted_ip: '203.0.113.9', plan: { tier: 'pro' } });
  });

  it('truncates strings to 255 characters', async () => {
    // Act
    await postImport(mp, [anEvent({ comment: 'c'.repeat(300), list: ['l'.repeat(300)] })]);

    // Assert
    const [stored] = mp.events();
    expect(stored?.properties.comment).toBe('c'.repeat(255));
    expect(stored?.properties.list).toEqual(['l'.repeat(255)]);
  });
});

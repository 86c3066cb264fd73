import type { MixpanelEmulator } from '../../../sandbox/mixpanel/index.js';
import { anEvent, NOW, postImport, startMixpanel } from './fixtures.js';

describe('POST /import deduplication', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanel();
  });
  afterEach(() => mp.reset());
  afterAll(() => mp.stop());

  it('counts a replayed event as imported but stores it once, keeping the latest copy', async () => {
    // Arrange
    const first = anEvent({ $insert_id: 'same-1', status: 'new' });
    const replay = { ...first, properties: { ...first.properties, status: 'replayed' } };

    // Act
    const a = await postImport(mp, [first]);
    const b = await postImport(mp, [replay, replay]);

    // Assert
    expect(await a.json()).toEqual({ code: 200, num_records_imported: 1, status: 'OK' });
    expect(await b.json()).toEqual({ code: 200, num_records_imported: 2, status: 'OK' });
    expect(mp.events()).toHaveLength(1);
    expect(mp.events()[0]?.properties.status).toBe('replayed');
    expect(mp.stats()).toMatchObject({ importedRecords: 3, duplicateRecords: 2, storedEvents: 1 });
  });

  it('treats the same instant in seconds and in milliseconds as one time', async () => {
    // Arrange
    const at = NOW - 60_000;
    const seconds = anEvent({ $insert_id: 'same-2', time: at / 1000 });
    const millis = anEvent({ $insert_id: 'same-2', time: at });

    // Act
    await postImport(mp, [seconds, millis]);

    // Assert
    expect(mp.events()).toHaveLength(1);
  });

  it.each([
    ['event name', { ...anEvent({ $insert_id: 'k-1' }), event: 'Other Event' }],
    ['time', anEvent({ $insert_id: 'k-1', time: (NOW - 120_000) / 1000 })],
    ['distinct_id', anEvent({ $insert_id: 'k-1', distinct_id: 'u_2' })],
    ['$insert_id', anEvent({ $insert_id: 'k-2' })],
  ])('keeps two events that differ only in %s', async (_field, other) => {
    // Arrange
    const base = anEvent({ $insert_id: 'k-1' });

    // Act
    await postImport(mp, [base, other]);

    // Assert
    expect(mp.events()).toHaveLength(2);
  });
});

describe('POST /import without strict=1', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanel();
  });
  afterEach(() => mp.reset());
  afterAll(() => mp.stop());

  it('drops invalid records silently and answers 200 with the imported count', async () => {
    // Arrange
    const events = [anEvent(), anEvent({ distinct_id: 'null' }), anEvent({ time: 'yesterday' })];

    // Act
    const res = await postImport(mp, events, { query: 'strict=0' });

    // Assert
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 200, num_records_imported: 1, status: 'OK' });
    expect(mp.stats()).toMatchObject({ importedRecords: 1, droppedRecords: 2, failedRecords: 0 });
  });

  it('generates a $insert_id for events without one, which then never dedupe', async () => {
    // Arrange
    const event = anEvent({ $insert_id: undefined });

    // Act
    const res = await postImport(mp, [event, event], { query: '' });

    // Assert
    expect(await res.json()).toEqual({ code: 200, num_records_imported: 2, status: 'OK' });
    const ids = mp.events().map((e) => e.properties.$insert_id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(mp.stats().duplicateRecords).toBe(0);
  });
});

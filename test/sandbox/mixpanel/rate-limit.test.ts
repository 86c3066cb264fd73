import type { MixpanelEmulator } from '../../../sandbox/mixpanel/index.js';
import { anEvent, fakeClock, groupUpdate, postImport, postUpdates, startMixpanel, userUpdate } from './fixtures.js';

const IMPORT_429 = {
  code: 429,
  error: 'Project exceeded rate limits. Please retry the request with exponential backoff.',
  status: 'Too Many Requests',
};

describe('rate limit shared by /import, /engage and /groups', () => {
  let mp: MixpanelEmulator;
  afterEach(() => mp.stop());

  it('answers 429 with the documented body once the request budget of the window is spent', async () => {
    // Arrange
    mp = await startMixpanel({ rateLimit: { windowMs: 1000, maxRequests: 2 } });
    await postImport(mp, [anEvent()]);
    await postImport(mp, [anEvent()]);

    // Act
    const res = await postImport(mp, [anEvent()]);

    // Assert
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual(IMPORT_429);
    expect(mp.stats()).toMatchObject({ importedRecords: 2, rateLimited: 1 });
  });

  it('counts records against the event budget, including ones that fail validation', async () => {
    // Arrange
    mp = await startMixpanel({ rateLimit: { windowMs: 1000, maxEvents: 3 } });
    await postImport(mp, [anEvent(), anEvent({ distinct_id: 'null' })]);

    // Act
    const tooMany = await postImport(mp, [anEvent(), anEvent()]);
    const fits = await postImport(mp, [anEvent()]);

    // Assert
    expect(tooMany.status).toBe(429);
    expect(fits.status).toBe(200);
  });

  it('admits calls again once the rolling window has passed', async () => {
    // Arrange
    const clock = fakeClock();
    mp = await startMixpanel({ clock: clock.now, rateLimit: { windowMs: 1000, maxRequests: 1 } });
    await postImport(mp, [anEvent()]);
    const limited = await postImport(mp, [anEvent()]);

    // Act
    clock.advance(1001);
    const later = await postImport(mp, [anEvent()]);

    // Assert
    expect(limited.status).toBe(429);
    expect(later.status).toBe(200);
  });

  it('spends one budget across /import and /engage, answering /engage in its own 429 shape', async () => {
    // Arrange
    mp = await startMixpanel({ rateLimit: { windowMs: 1000, maxRequests: 1 } });
    await postImport(mp, [anEvent()]);

    // Act
    const res = await postUpdates(mp, '/engage', [userUpdate(mp, 'u_1', { $set: { plan: 'pro' } })]);

    // Assert
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ error: IMPORT_429.error, status: 0 });
    expect(mp.profile('u_1')).toBeUndefined();
  });

  it('limits /groups from the same budget', async () => {
    // Arrange
    mp = await startMixpanel({ rateLimit: { windowMs: 1000, maxEvents: 1 } });
    await postUpdates(mp, '/engage', [userUpdate(mp, 'u_1', { $set: { plan: 'pro' } })]);

    // Act
    const res = await postUpdates(mp, '/groups', [groupUpdate(mp, 'account_id', 'a1', { $set: {} })]);

    // Assert
    expect(res.status).toBe(429);
    expect(mp.groups()).toEqual([]);
  });
});

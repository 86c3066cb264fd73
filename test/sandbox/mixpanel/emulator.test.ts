import {
  defaultMixpanelConfig,
  startMixpanelEmulator,
  type MixpanelEmulator,
} from '../../../sandbox/mixpanel/index.js';
import { anEvent, groupUpdate, postImport, postUpdates, startMixpanel, tokenAuth, userUpdate } from './fixtures.js';

const getJson = async (mp: MixpanelEmulator, path: string): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(`${mp.url}${path}`);
  return { status: res.status, body: await res.json() };
};

describe('Mixpanel emulator inspection and programmatic API', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanel();
  });
  afterEach(() => {
    mp.reset();
    mp.resetCalls();
    mp.setFaults({});
  });
  afterAll(() => mp.stop());

  it('serves counts at /__sandbox/state and counts API calls per endpoint, not inspection', async () => {
    // Arrange
    await postImport(mp, [anEvent(), anEvent({ distinct_id: 'null' })]);
    await postUpdates(mp, '/engage', [userUpdate(mp, 'u_1', { $set: { a: 1 } })]);
    await postUpdates(mp, '/groups', [groupUpdate(mp, 'account_id', 'a1', { $set: { a: 1 } })]);

    // Act
    const state = await getJson(mp, '/__sandbox/state');
    await getJson(mp, '/__sandbox/events');

    // Assert
    expect(state.body).toMatchObject({
      projectId: mp.config.projectId,
      importedRecords: 1,
      failedRecords: 1,
      storedEvents: 1,
      profiles: 1,
      groups: 1,
      profileUpdates: 1,
      groupUpdates: 1,
      rateWindow: { requests: 3, events: 4 },
    });
    expect(mp.calls()).toEqual({ total: 3, byEndpoint: { engage: 1, groups: 1, import: 1 } });
  });

  it('lists events per distinct_id and event name at /__sandbox/events', async () => {
    // Arrange
    const [u1, u2] = [{ distinct_id: 'u_1' }, { distinct_id: 'u_2' }];
    await postImport(mp, [anEvent(u1, 'A'), anEvent(u1, 'B'), anEvent(u2, 'A')]);

    // Act
    const forUser = await getJson(mp, '/__sandbox/events?distinct_id=u_1');
    const forUserAndName = await getJson(mp, '/__sandbox/events?distinct_id=u_1&event=B');

    // Assert
    expect(forUser.body).toMatchObject({ count: 2, events: [{ event: 'A' }, { event: 'B' }] });
    expect(forUserAndName.body).toMatchObject({
      count: 1,
      events: [{ event: 'B', properties: { distinct_id: 'u_1' } }],
    });
    expect(mp.eventsByName('A').map((e) => e.properties.distinct_id)).toEqual(['u_1', 'u_2']);
    expect(mp.events('u_2')).toHaveLength(1);
  });

  it('serves a profile and a group by id, 404 when absent', async () => {
    // Arrange
    await postUpdates(mp, '/engage', [userUpdate(mp, 'user one', { $set: { a: 1 } })]);
    await postUpdates(mp, '/groups', [groupUpdate(mp, 'account_id', 'a/1', { $set: { b: 2 } })]);

    // Act
    const profile = await getJson(mp, `/__sandbox/profiles/${encodeURIComponent('user one')}`);
    const group = await getJson(mp, `/__sandbox/groups/account_id/${encodeURIComponent('a/1')}`);
    const noProfile = await getJson(mp, '/__sandbox/profiles/nobody');
    const noGroup = await getJson(mp, '/__sandbox/groups/account_id/none');

    // Assert
    expect(profile).toMatchObject({ status: 200, body: { distinctId: 'user one', properties: { a: 1 } } });
    expect(group).toEqual({ status: 200, body: { groupKey: 'account_id', groupId: 'a/1', properties: { b: 2 } } });
    expect(noProfile.status).toBe(404);
    expect(noGroup.status).toBe(404);
  });

  it('seeds events, profiles and groups without touching the counters', async () => {
    // Act
    mp.seedEvents([anEvent({ distinct_id: 'u_9' })]);
    mp.seedProfile('u_9', { plan: 'pro' });
    mp.seedGroup('account_id', 'a9', { name: 'Nine' });

    // Assert
    expect(mp.events('u_9')).toHaveLength(1);
    expect(mp.profile('u_9')).toEqual({ distinctId: 'u_9', properties: { plan: 'pro' } });
    expect(mp.group('account_id', 'a9')?.properties).toEqual({ name: 'Nine' });
    expect(mp.stats()).toMatchObject({ importedRecords: 0, profileUpdates: 0, storedEvents: 1 });
  });

  it('refuses to seed an invalid event and seeds none of the batch', () => {
    expect(() => mp.seedEvents([anEvent(), anEvent({ $insert_id: 'no spaces' })])).toThrow(
      /seedEvents\[1\].*\$insert_id/,
    );
    expect(mp.events()).toEqual([]);
  });

  it('hands out copies, so callers cannot change what it holds', async () => {
    // Arrange
    await postImport(mp, [anEvent({ distinct_id: 'u_1' })]);
    mp.seedProfile('u_1', { a: 1 });

    // Act
    const [event] = mp.events();
    if (event) event.properties.distinct_id = 'changed';
    const profile = mp.profile('u_1');
    if (profile) profile.properties.a = 2;

    // Assert
    expect(mp.events()[0]?.properties.distinct_id).toBe('u_1');
    expect(mp.profile('u_1')?.properties.a).toBe(1);
  });

  it('reset() forgets data, counters and the rate window', async () => {
    // Arrange
    await postImport(mp, [anEvent()]);
    mp.seedProfile('u_1', { a: 1 });

    // Act
    mp.reset();

    // Assert
    expect(mp.events()).toEqual([]);
    expect(mp.profiles()).toEqual([]);
    expect(mp.stats()).toMatchObject({ importedRecords: 0, storedEvents: 0, rateWindow: { requests: 0, events: 0 } });
  });

  it('answers injected faults and unknown paths in the {code, error, status} shape', async () => {
    // Arrange
    mp.setFaults({ errorRate: 1, errorStatus: 503 });

    // Act
    const faulted = await postImport(mp, [anEvent()]);
    mp.setFaults({});
    const unknown = await fetch(`${mp.url}/track`, { method: 'POST' });

    // Assert
    expect(faulted.status).toBe(503);
    expect(await faulted.json()).toMatchObject({ code: 503, status: 'Service Unavailable' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 404, status: 'Not Found' });
    expect(mp.events()).toEqual([]);
  });
});

describe('startMixpanelEmulator configuration', () => {
  it('starts with no arguments on the default project and credentials', async () => {
    // Arrange
    const mp = await startMixpanelEmulator();

    try {
      // Act
      const res = await postImport(mp, [anEvent({ time: Math.floor(Date.now() / 1000) - 60 })], {
        auth: tokenAuth(mp),
      });

      // Assert
      expect(mp.config).toEqual(defaultMixpanelConfig);
      expect(res.status).toBe(200);
    } finally {
      await mp.stop();
    }
  });

  it('fails on an invalid option, naming it', async () => {
    await expect(startMixpanelEmulator({ projectToken: '' })).rejects.toThrow(/projectToken/);
  });
});

import { MixpanelClient } from '../../../../lib/clients/mixpanel/client.js';
import type { MixpanelConfig } from '../../../../lib/clients/mixpanel/config.js';
import type { MixpanelEvent } from '../../../../lib/clients/mixpanel/types.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import {
  defaultMixpanelConfig,
  startMixpanelEmulator,
  type MixpanelEmulator,
} from '../../../../sandbox/mixpanel/index.js';

let emulator: MixpanelEmulator;
let client: MixpanelClient;

function configFor(url: string): MixpanelConfig {
  const account = defaultMixpanelConfig.serviceAccounts[0]!;
  return {
    apiUrl: url,
    projectId: defaultMixpanelConfig.projectId,
    projectToken: defaultMixpanelConfig.projectToken,
    serviceAccount: account.username,
    serviceAccountSecret: account.secret,
  };
}

const TIME = Date.now() - 60_000;

function event(n: number, overrides: Partial<MixpanelEvent['properties']> = {}): MixpanelEvent {
  return {
    event: 'Support Ticket Created',
    properties: { time: TIME, distinct_id: `u_${n % 7}`, $insert_id: `ins-${n}`, ticket_id: n, ...overrides },
  };
}

beforeEach(async () => {
  emulator = await startMixpanelEmulator();
  client = new MixpanelClient(configFor(emulator.url));
});
afterEach(async () => emulator.stop());

describe('MixpanelClient.importEvents', () => {
  it('imports 4,500 events in 3 gzip calls of at most 2,000', async () => {
    const events = Array.from({ length: 4500 }, (_, n) => event(n));

    const results = await client.importEvents(events);

    expect(results.every((result) => result === undefined)).toBe(true);
    expect(emulator.calls().byEndpoint).toEqual({ import: 3 });
    expect(emulator.events()).toHaveLength(4500);
  });

  it('maps failed_records back to the events they came from and keeps the valid ones', async () => {
    const events = [event(1), event(2, { distinct_id: 'undefined' }), event(3)];

    const results = await client.importEvents(events);

    expect(results[0]).toBeUndefined();
    expect(results[1]).toBeInstanceOf(PermanentError);
    expect(results[1]?.message).toMatch(/distinct_id/i);
    expect(results[2]).toBeUndefined();
    expect(emulator.events().map((stored) => stored.properties.$insert_id)).toEqual(['ins-1', 'ins-3']);
  });

  it('refuses an event with a malformed $insert_id before sending it', async () => {
    const results = await client.importEvents([event(1, { $insert_id: 'has spaces!' }), event(2)]);

    expect(results[0]).toBeInstanceOf(PermanentError);
    expect(results[1]).toBeUndefined();
    expect(emulator.calls().byEndpoint).toEqual({ import: 1 });
  });

  it('stores a replayed event once', async () => {
    await client.importEvents([event(1)]);
    await client.importEvents([event(1)]);

    expect(emulator.events()).toHaveLength(1);
  });

  it('classifies 429 and 5xx as retryable and bad credentials as retryable', async () => {
    emulator.setFaults({ errorRate: 1, errorStatus: 503 });
    const [unavailable] = await client.importEvents([event(1)]);
    emulator.setFaults({});
    const wrong = new MixpanelClient({ ...configFor(emulator.url), serviceAccountSecret: 'nope' });
    const [unauthorised] = await wrong.importEvents([event(2)]);

    expect(unavailable).toBeInstanceOf(RetryableError);
    expect(unauthorised).toBeInstanceOf(RetryableError);
    expect(unauthorised?.message).toContain('401');
  });

  it('reports a rate-limited batch as retryable', async () => {
    await emulator.stop();
    emulator = await startMixpanelEmulator({ rateLimit: { windowMs: 60_000, maxRequests: 1 } });
    client = new MixpanelClient(configFor(emulator.url));

    await client.importEvents([event(1)]);
    const [limited] = await client.importEvents([event(2)]);

    expect(limited).toBeInstanceOf(RetryableError);
    expect(limited?.message).toContain('429');
  });
});

describe('MixpanelClient profiles and groups', () => {
  it('applies $set and $set_once to user profiles in one call', async () => {
    const results = await client.updateProfiles([
      { distinctId: 'u_1', operation: '$set', values: { terms_version: '2025-01' } },
      { distinctId: 'u_1', operation: '$set_once', values: { first_terms_accepted_at: '2025-01-02T00:00:00Z' } },
      { distinctId: 'u_1', operation: '$set_once', values: { first_terms_accepted_at: '2026-01-01T00:00:00Z' } },
    ]);

    expect(results).toEqual([undefined, undefined, undefined]);
    expect(emulator.calls().byEndpoint).toEqual({ engage: 1 });
    expect(emulator.profile('u_1')?.properties).toMatchObject({
      terms_version: '2025-01',
      first_terms_accepted_at: '2025-01-02T00:00:00Z',
    });
  });

  it('sends $ignore_time: true unless an update asks to count as activity', async () => {
    const results = await client.updateProfiles([
      { distinctId: 'u_quiet', operation: '$set', values: { plan: 'pro' } },
      { distinctId: 'u_active', operation: '$set', values: { plan: 'pro' }, ignoreTime: false },
    ]);

    expect(results).toEqual([undefined, undefined]);
    expect(emulator.profile('u_quiet')?.lastSeen).toBeUndefined();
    expect(emulator.profile('u_active')?.lastSeen).toEqual(expect.any(String));
  });

  it('updates a group profile', async () => {
    const results = await client.updateGroups([
      { groupKey: 'account_id', groupId: 'acc_1', operation: '$set', values: { plan: 'enterprise' } },
    ]);

    expect(results).toEqual([undefined]);
    expect(emulator.group('account_id', 'acc_1')?.properties).toMatchObject({ plan: 'enterprise' });
  });
});

import { describe, expect, it } from '@jest/globals';
import { MixpanelIntent, sendMixpanelIntents } from '../../../../lib/clients/mixpanel/intents.js';
import { packProfileUpdates } from '../../../../lib/clients/mixpanel/packs.js';
import { StoredVersionGate, type VersionGate } from '../../../../lib/clients/mixpanel/version-gate.js';
import { RetryableError } from '../../../../lib/errors.js';
import { FakeStateStore } from '../../../support/fake-state-store.js';
import { RecordingMixpanel } from '../../../support/recording-mixpanel.js';

const KEY = 'Opportunity/0065g00000Ab1CdAAJ';
const version = (modstamp: string) => ({ key: KEY, modstamp });
const profile = (distinctId: string, closeDate: string, modstamp: string) =>
  MixpanelIntent.parse({
    type: 'mixpanel.profile',
    update: { distinctId, operation: '$set', values: { last_deal_won_at: closeDate } },
    version: version(modstamp),
  });
const group = (plan: string, modstamp: string) =>
  MixpanelIntent.parse({
    type: 'mixpanel.group',
    update: { groupKey: 'account_id', groupId: 'acc_1', operation: '$set', values: { plan } },
    version: version(modstamp),
  });
const event = (insertId: string) =>
  MixpanelIntent.parse({
    type: 'mixpanel.event',
    event: { event: 'Deal Won', properties: { time: 1, distinct_id: 'u_1', $insert_id: insertId } },
  });

describe('sendMixpanelIntents with a version gate', () => {
  it('skips profile, group and packed updates older than the last applied version, and sends events', async () => {
    const gate = new StoredVersionGate(new FakeStateStore());
    const mixpanel = new RecordingMixpanel();
    await sendMixpanelIntents(mixpanel, [profile('u_1', '2026-04-02', '2026-04-02T10:00:00Z')], { gate });
    const olderPack = packProfileUpdates(
      [{ distinctId: 'u_2', operation: '$set', values: { last_deal_won_at: '2026-03-31' } }],
      version('2026-03-31T10:00:00Z'),
    ).map((message) => MixpanelIntent.parse(JSON.parse(message.body)));

    const results = await sendMixpanelIntents(
      mixpanel,
      [profile('u_1', '2026-03-31', '2026-03-31T10:00:00Z'), group('old', '2026-03-31T10:00:00Z'), event('e1')]
        .concat(olderPack)
        .concat([profile('u_3', '2026-04-02', '2026-04-02T10:00:00Z')]),
      { gate },
    );

    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(mixpanel.profiles.map((update) => [update.distinctId, update.values])).toEqual([
      ['u_1', { last_deal_won_at: '2026-04-02' }],
      ['u_3', { last_deal_won_at: '2026-04-02' }],
    ]);
    expect(mixpanel.groups).toEqual([]);
    expect(mixpanel.events.map((sent) => sent.properties.$insert_id)).toEqual(['e1']);
  });

  it('lets the versioned updates wait (retryable) when the gate cannot answer, and sends the events', async () => {
    const down: VersionGate = { admit: () => Promise.reject(new RetryableError('BatchGetItem failed')) };
    const mixpanel = new RecordingMixpanel();

    const results = await sendMixpanelIntents(
      mixpanel,
      [event('e1'), profile('u_1', '2026-04-02', '2026-04-02T10:00:00Z')],
      { gate: down },
    );

    expect(results[0]).toBeUndefined();
    expect(results[1]).toBeInstanceOf(RetryableError);
    expect(mixpanel.events).toHaveLength(1);
    expect(mixpanel.profiles).toEqual([]);
  });

  it('asks the gate nothing for a batch without versions', async () => {
    const gate: VersionGate = { admit: () => Promise.reject(new Error('not asked')) };

    expect(await sendMixpanelIntents(new RecordingMixpanel(), [event('e1')], { gate })).toEqual([undefined]);
  });
});

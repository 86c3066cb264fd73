import { describe, expect, it } from '@jest/globals';
import {
  CARRIED_ALONE_ATTRIBUTE,
  LONE_CARRIES,
  CARRIED_SINCE_ATTRIBUTE,
  queuedOf,
  type CarryOptions,
  type Queued,
} from '../../../../lib/clients/mixpanel/carry.js';
import { MixpanelIntent, sendMixpanelIntents } from '../../../../lib/clients/mixpanel/intents.js';
import { packEvents, packGroupUpdates, packProfileUpdates } from '../../../../lib/clients/mixpanel/packs.js';
import type { MixpanelEvent, ProfileUpdate } from '../../../../lib/clients/mixpanel/types.js';
import { StoredVersionGate } from '../../../../lib/clients/mixpanel/version-gate.js';
import type { OutgoingMessage } from '../../../../lib/clients/queue-gateway.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import type { ItemResult } from '../../../../lib/sqs/batch-collector.js';
import { FakeStateStore } from '../../../support/fake-state-store.js';
import { unpackedIntents } from '../../../support/mixpanel-messages.js';
import { RecordingMixpanel } from '../../../support/recording-mixpanel.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const MAX_AGE_MS = 60_000;

const events = (prefix: string, count: number): MixpanelEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    event: 'Terms Accepted',
    properties: { time: NOW - 5_000, distinct_id: `u_${prefix}${i}`, $insert_id: `${prefix}-${i}` },
  }));
const parsed = (messages: readonly OutgoingMessage[]) =>
  messages.map((message) => MixpanelIntent.parse(JSON.parse(message.body)));
const fresh = (at: number, attributes: Record<string, string> = {}): Queued => ({
  at,
  carried: false,
  lone: 0,
  attributes,
});

/** A carry whose sends are recorded, or fail with the errors in `failures`, in turn. */
function carrying(queued: Queued[], ...failures: Error[]): CarryOptions & { sent: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  return {
    maxAgeMs: MAX_AGE_MS,
    queued,
    now: NOW,
    sent,
    send: (messages) => {
      const failure = failures.shift();
      if (failure) return Promise.reject(failure);
      sent.push(...messages);
      return Promise.resolve();
    },
  };
}

describe('queuedOf, given attributes nobody checked', () => {
  const sentAt = NOW - 1_000;
  const at = (attributes: Record<string, string>) => queuedOf({ sentAt, attributes });

  it('counts a record’s wait from when SQS took its message unless carried_since is an earlier positive time', () => {
    for (const since of ['soon', '', '-5000', '0', '1e400', 'Infinity', String(NOW + 3_600_000), '1e20'])
      expect(at({ [CARRIED_SINCE_ATTRIBUTE]: since }).at).toBe(sentAt);
    // An earlier time only sends the record sooner: a hostile "1" makes it old at once.
    expect(at({ [CARRIED_SINCE_ATTRIBUTE]: '1' }).at).toBe(1);
    expect(at({ [CARRIED_SINCE_ATTRIBUTE]: String(NOW - 30_000) }).at).toBe(NOW - 30_000);
  });

  it('reads carried_alone as a count below LONE_CARRIES, anything else as LONE_CARRIES, on a carried pack only', () => {
    const since = { [CARRIED_SINCE_ATTRIBUTE]: String(NOW - 30_000) };
    expect(at({ ...since, [CARRIED_ALONE_ATTRIBUTE]: 'true' }).lone).toBe(1);
    expect(at({ ...since, [CARRIED_ALONE_ATTRIBUTE]: '2' }).lone).toBe(2);
    expect(at(since).lone).toBe(0);
    // No value keeps a pack going round: each sends it the next time it comes back alone.
    for (const flag of ['TRUE', 'yes', '', '-1', '1.5', '1e3', '99', '3', ' 1'])
      expect({ flag, lone: at({ ...since, [CARRIED_ALONE_ATTRIBUTE]: flag }).lone }).toEqual({
        flag,
        lone: LONE_CARRIES,
      });
    expect(at({ [CARRIED_ALONE_ATTRIBUTE]: 'true' })).toMatchObject({ carried: false, lone: 0 });
  });
});

describe('sendMixpanelIntents when a carry meets a fault', () => {
  it('sends the remainder now when SQS does not take it: no message is retried or dead-lettered for it', async () => {
    for (const failure of [
      new RetryableError('SendMessageBatch failed'),
      new PermanentError('SQS rejected a message: InvalidParameterValue', { code: 'InvalidParameterValue' }),
    ]) {
      const mixpanel = new RecordingMixpanel();
      const intents = parsed([...packEvents(events('a', 1_000)), ...packEvents(events('b', 1_500))]);
      const carry = carrying([fresh(NOW - 2_000), fresh(NOW - 1_000)], failure);

      const results = await sendMixpanelIntents(mixpanel, intents, { carry });

      expect(results).toEqual([undefined, undefined]);
      expect(mixpanel.calls).toEqual([
        { endpoint: 'import', records: 2_000 },
        { endpoint: 'import', records: 500 },
      ]);
      expect(new Set(mixpanel.events.map((event) => event.properties.$insert_id)).size).toBe(2_500);
    }
  });

  it('fails the remainder with its messages when it can neither be carried nor sent', async () => {
    const mixpanel = new RecordingMixpanel();
    const down = new RetryableError('Mixpanel answered 503');
    let calls = 0;
    mixpanel.importEvents = (sent): Promise<ItemResult[]> =>
      Promise.resolve(sent.map(() => ((calls += 1) > 2_000 ? down : undefined)));
    const intents = parsed([...packEvents(events('a', 1_000)), ...packEvents(events('b', 1_500))]);
    const carry = carrying([fresh(NOW - 2_000), fresh(NOW - 1_000)], new RetryableError('SendMessageBatch failed'));

    const results = await sendMixpanelIntents(mixpanel, intents, { carry });

    expect(results[0]).toBeUndefined();
    expect(results[1]).toBeInstanceOf(RetryableError);
  });

  it('does not carry the rest of a pack whose sent records failed for a while: the pack comes back whole', async () => {
    const mixpanel = new RecordingMixpanel();
    mixpanel.importEvents = (sent): Promise<ItemResult[]> =>
      Promise.resolve(sent.map(() => new RetryableError('Mixpanel answered 503')));
    const intents = parsed([
      ...packEvents(events('a', 1_000)),
      ...packEvents(events('b', 1_500)),
      ...packEvents(events('c', 500)),
    ]);
    const carry = carrying([
      fresh(NOW - 3_000, { source: 'app' }),
      fresh(NOW - 2_000),
      fresh(NOW - 1_000, { source: 'app' }),
    ]);

    const results = await sendMixpanelIntents(mixpanel, intents, { carry });

    expect(results[0]).toBeInstanceOf(RetryableError);
    expect(results[1]).toBeInstanceOf(RetryableError);
    expect(results[2]).toBeUndefined();
    const carried = unpackedIntents(carry.sent).map((intent) => (intent as { event: MixpanelEvent }).event);
    expect(carried.map((event) => event.properties.$insert_id)).toEqual(
      events('c', 500).map((e) => e.properties.$insert_id),
    );
    // What the carried pack remembers is the third pack's, not the retried one's.
    expect(carry.sent[0]?.attributes).toMatchObject({ source: 'app', [CARRIED_SINCE_ATTRIBUTE]: String(NOW - 1_000) });
  });

  it('keeps a carried pack within SQS’s 10 attributes, without the reasons of an earlier dead-lettering', async () => {
    const mixpanel = new RecordingMixpanel();
    // A pack redriven from the dead-letter queue: its own attributes and the four of its reason.
    const redriven = {
      intent: 'mixpanel.events',
      count: '500',
      source: 'outbound',
      notification_id: '04l000000000001',
      salesforce_record_id: '006000000000001',
      reason_code: 'RETRIES_EXHAUSTED',
      reason: 'Gave up after 5 deliveries',
      dead_lettered_at: '2026-06-01T11:00:00.000Z',
      delivery_count: '5',
      [CARRIED_SINCE_ATTRIBUTE]: String(NOW - 5_000),
    };
    const carry = carrying([{ at: NOW - 5_000, carried: true, lone: 0, attributes: redriven }]);

    await sendMixpanelIntents(mixpanel, parsed(packEvents(events('r', 500), redriven)), { carry });

    const [carried] = carry.sent;
    expect(carried?.attributes).toEqual({
      source: 'outbound',
      notification_id: '04l000000000001',
      salesforce_record_id: '006000000000001',
      intent: 'mixpanel.events',
      count: '500',
      [CARRIED_SINCE_ATTRIBUTE]: String(NOW - 5_000),
      [CARRIED_ALONE_ATTRIBUTE]: '1',
    });
  });

  it('keeps at most 10 attributes on a carried pack whatever its messages share', async () => {
    const mixpanel = new RecordingMixpanel();
    const many = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`id_${i}`, String(i)]));
    const carry = carrying([
      { at: NOW - 5_000, carried: true, lone: 0, attributes: many },
      { at: NOW - 4_000, carried: true, lone: 0, attributes: many },
    ]);

    await sendMixpanelIntents(mixpanel, parsed([...packEvents(events('a', 300)), ...packEvents(events('b', 300))]), {
      carry,
    });

    const attributes = carry.sent[0]?.attributes ?? {};
    expect(Object.keys(attributes)).toHaveLength(10);
    expect(attributes).toMatchObject({
      [CARRIED_SINCE_ATTRIBUTE]: String(NOW - 5_000),
      [CARRIED_ALONE_ATTRIBUTE]: '1',
    });
  });
});

describe('sendMixpanelIntents: what a carry may reorder', () => {
  const setTo = (distinctId: string, plan: string): ProfileUpdate => ({
    distinctId,
    operation: '$set',
    values: { plan },
  });

  it('never carries a versioned pack of any kind: the version gate orders it as it arrives', async () => {
    const version = { key: 'Account/001', modstamp: '2026-06-01T11:00:00Z' };
    const group = { groupKey: 'account_id', groupId: 'acc_1', operation: '$set' as const, values: { plan: 'pro' } };
    const packs = (versioned: boolean) =>
      parsed([...packProfileUpdates([setTo('u_1', 'pro')]), ...packGroupUpdates([group])]).map((intent) =>
        versioned ? MixpanelIntent.parse({ ...intent, version }) : intent,
      );
    const send = async (intents: ReturnType<typeof packs>) => {
      const mixpanel = new RecordingMixpanel();
      const carry = carrying(intents.map(() => fresh(NOW - 1_000)));
      await sendMixpanelIntents(mixpanel, intents, { gate: new StoredVersionGate(new FakeStateStore()), carry });
      return { mixpanel, carried: unpackedIntents(carry.sent) };
    };

    const versioned = await send(packs(true));
    expect(versioned.mixpanel.calls).toEqual([
      { endpoint: 'engage', records: 1 },
      { endpoint: 'groups', records: 1 },
    ]);
    expect(versioned.carried).toEqual([]);
    // The same packs without a version wait for company.
    const unversioned = await send(packs(false));
    expect(unversioned.mixpanel.calls).toEqual([]);
    expect(unversioned.carried).toHaveLength(2);
  });

  it('sends a carried remainder before the newer records of the same user it meets in one invocation', async () => {
    const mixpanel = new RecordingMixpanel();
    const others = Array.from({ length: 1_999 }, (_, i) => setTo(`u_${1_000 + i}`, 'free'));
    // The newer pack comes first in the batch; the remainder carried since earlier holds the older value.
    const intents = parsed([
      ...packProfileUpdates([setTo('u_7', 'pro'), ...others]),
      ...packProfileUpdates([setTo('u_7', 'trial')]),
    ]);
    const carry = carrying([fresh(NOW - 1_000), { at: NOW - 20_000, carried: true, lone: 1, attributes: {} }]);

    await sendMixpanelIntents(mixpanel, intents, { carry });

    const values = mixpanel.profiles.filter((update) => update.distinctId === 'u_7').map((update) => update.values);
    expect(values).toEqual([{ plan: 'trial' }, { plan: 'pro' }]);
    // The youngest record is the one left to wait.
    expect(unpackedIntents(carry.sent)).toEqual([{ type: 'mixpanel.profile', update: others.at(-1) }]);
  });
});

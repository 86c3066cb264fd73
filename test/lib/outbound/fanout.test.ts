import { describe, expect, it } from '@jest/globals';
import { MixpanelIntent } from '../../../lib/clients/mixpanel/intents.js';
import { unpack } from '../../../lib/clients/mixpanel/packs.js';
import type { OutgoingMessage } from '../../../lib/clients/queue-gateway.js';
import { RetryableError } from '../../../lib/errors.js';
import { fanOut } from '../../../lib/outbound/fanout.js';
import type { OutboundFanOutIntent } from '../../../lib/outbound/intents.js';
import { FakeQueueGateway } from '../../support/fake-queue-gateway.js';
import { unpackedIntents } from '../../support/mixpanel-messages.js';

const MIXPANEL_QUEUE = 'https://sqs.us-east-1.amazonaws.com/000000000000/mixpanel';

function dealWon(n: number, accountId: string, withProfile = true): OutboundFanOutIntent {
  const modstamp = '2026-03-31T14:02:11.000Z';
  return {
    type: 'outbound.fanout',
    accountId,
    source: {
      notificationId: `04l00000000000${n}AAF`,
      ruleId: 'opportunity-closed-won',
      sObjectType: 'Opportunity',
      recordId: `006000000000000${n}AA`,
      modstamp,
    },
    event: {
      event: 'Deal Won',
      properties: { amount: 48000, time: Date.parse(modstamp), $insert_id: `insert${n}`, source: 'salesforce' },
    },
    ...(withProfile ? { profileSet: { last_deal_won_at: '2026-03-31' } } : {}),
  };
}

const usersOf = (byAccount: Record<string, string[]>) => (accountIds: readonly string[]) =>
  Promise.resolve(new Map(accountIds.map((id) => [id, byAccount[id] ?? []])));

const intentsSent = (queue: FakeQueueGateway) =>
  queue.sent.flatMap((batch) => batch.messages.map((message) => MixpanelIntent.parse(JSON.parse(message.body))));

describe('fanOut', () => {
  it("puts the event on every user's timeline, each with its own insert id, and packs the profile values", async () => {
    const queue = new FakeQueueGateway();
    const lookups: string[][] = [];

    const results = await fanOut([dealWon(1, '001A'), dealWon(2, '001B', false)], {
      usersOf: (ids) => {
        lookups.push([...ids]);
        return usersOf({ '001A': ['u_1', 'u_2'], '001B': ['u_3'] })(ids);
      },
      queue,
      mixpanelQueueUrl: MIXPANEL_QUEUE,
    });

    expect(results).toEqual([undefined, undefined]);
    expect(lookups).toEqual([['001A', '001B']]);
    const intents = intentsSent(queue);
    const events = unpackedIntents(queue.sent.flatMap((batch) => batch.messages)).flatMap((intent) =>
      intent.type === 'mixpanel.event' ? [intent.event] : [],
    );
    expect(events.map((event) => [event.event, event.properties.distinct_id, event.properties.amount])).toEqual([
      ['Deal Won', 'u_1', 48000],
      ['Deal Won', 'u_2', 48000],
      ['Deal Won', 'u_3', 48000],
    ]);
    const insertIds = events.map((event) => event.properties.$insert_id);
    expect(new Set(insertIds).size).toBe(3);
    for (const id of insertIds) expect(id).toMatch(/^[A-Za-z0-9-]{1,36}$/);
    const packs = intents.filter((intent) => intent.type === 'mixpanel.profiles');
    expect(packs).toHaveLength(1);
    expect(packs[0]).toMatchObject({
      count: 2,
      version: { key: 'Opportunity/0060000000000001AA', modstamp: '2026-03-31T14:02:11.000Z' },
    });
    expect(unpack(packs[0]!)).toEqual([
      { distinctId: 'u_1', operation: '$set', values: { last_deal_won_at: '2026-03-31' } },
      { distinctId: 'u_2', operation: '$set', values: { last_deal_won_at: '2026-03-31' } },
    ]);
    expect(intents.map((intent) => intent.type)).toEqual(['mixpanel.events', 'mixpanel.profiles']);
    expect(queue.sent[0]?.messages[0]?.attributes).toEqual({
      source: 'outbound',
      intent: 'mixpanel.events',
      count: '3',
    });
    expect(queue.sent[1]?.messages[0]?.attributes).toEqual({
      notification_id: '04l000000000001AAF',
      salesforce_record_id: '0060000000000001AA',
      intent: 'mixpanel.profiles',
      count: '2',
    });
  });

  it('sends the same messages when a fan-out is delivered again, so Mixpanel keeps one event per user', async () => {
    const [first, again] = [new FakeQueueGateway(), new FakeQueueGateway()];
    const deps = { usersOf: usersOf({ '001A': ['u_1', 'u_2'] }), mixpanelQueueUrl: MIXPANEL_QUEUE };

    await fanOut([dealWon(1, '001A')], { ...deps, queue: first });
    await fanOut([dealWon(1, '001A')], { ...deps, queue: again });

    expect(again.sent).toEqual(first.sent);
  });

  it('sends nothing for an account without users, and fails only the fan-out whose enqueue failed', async () => {
    const queue = new FakeQueueGateway();
    const send = queue.send.bind(queue);
    queue.send = (url: string, messages: readonly OutgoingMessage[]) =>
      messages.some((message) => message.attributes?.notification_id === '04l000000000003AAF')
        ? Promise.reject(new RetryableError('SendMessageBatch failed'))
        : send(url, messages);

    const results = await fanOut([dealWon(1, '001A'), dealWon(2, '001EMPTY'), dealWon(3, '001BAD')], {
      usersOf: usersOf({ '001A': ['u_1'], '001BAD': ['u_bad'] }),
      queue,
      mixpanelQueueUrl: MIXPANEL_QUEUE,
    });

    expect(results[0]).toBeUndefined();
    expect(results[1]).toBeUndefined();
    expect(results[2]).toBeInstanceOf(RetryableError);
    expect(intentsSent(queue).map((intent) => intent.type)).toEqual(['mixpanel.events', 'mixpanel.profiles']);
  });

  it('fails every fan-out whose events were in a pack that could not be enqueued', async () => {
    const queue = new FakeQueueGateway();
    const send = queue.send.bind(queue);
    queue.send = (url: string, messages: readonly OutgoingMessage[]) =>
      messages.some((message) => message.attributes?.intent === 'mixpanel.events')
        ? Promise.reject(new RetryableError('SendMessageBatch failed'))
        : send(url, messages);

    const results = await fanOut([dealWon(1, '001A'), dealWon(2, '001B', false), dealWon(3, '001C')], {
      usersOf: usersOf({ '001A': ['u_1'], '001B': ['u_2'] }),
      queue,
      mixpanelQueueUrl: MIXPANEL_QUEUE,
    });

    expect(results.map((result) => result?.constructor)).toEqual([RetryableError, RetryableError, undefined]);
  });

  it('packs the events of every fan-out of a batch together, one message per 2,000 events', async () => {
    const queue = new FakeQueueGateway();
    const accounts = Object.fromEntries(
      Array.from({ length: 300 }, (_, a) => [`001${a}`, Array.from({ length: 10 }, (_, u) => `u_${a}_${u}`)]),
    );

    await fanOut(
      Object.keys(accounts).map((accountId, n) => dealWon(n, accountId, false)),
      { usersOf: usersOf(accounts), queue, mixpanelQueueUrl: MIXPANEL_QUEUE },
    );

    const packs = intentsSent(queue);
    expect(packs.map((pack) => [pack.type, 'count' in pack ? pack.count : 1])).toEqual([
      ['mixpanel.events', 2000],
      ['mixpanel.events', 1000],
    ]);
  });

  it('packs the profile values of an account of 4,500 users into 3 messages, and its events too', async () => {
    const queue = new FakeQueueGateway();
    const userIds = Array.from({ length: 4500 }, (_, i) => `u_${i}`);

    await fanOut([dealWon(1, '001BIG')], {
      usersOf: usersOf({ '001BIG': userIds }),
      queue,
      mixpanelQueueUrl: MIXPANEL_QUEUE,
    });

    const intents = intentsSent(queue);
    expect(intents.filter((intent) => intent.type === 'mixpanel.events').map((pack) => pack.count)).toEqual([
      2000, 2000, 500,
    ]);
    expect(intents.filter((intent) => intent.type === 'mixpanel.profiles').map((pack) => pack.count)).toEqual([
      2000, 2000, 500,
    ]);
  });
});

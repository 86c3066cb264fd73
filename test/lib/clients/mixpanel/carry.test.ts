import { describe, expect, it } from '@jest/globals';
import {
  CARRIED_ALONE_ATTRIBUTE,
  LONE_CARRIES,
  CARRIED_SINCE_ATTRIBUTE,
  queuedOf,
  sendNowCount,
  type CarryOptions,
} from '../../../../lib/clients/mixpanel/carry.js';
import { MixpanelIntent, sendMixpanelIntents } from '../../../../lib/clients/mixpanel/intents.js';
import { packEvents, packProfileUpdates } from '../../../../lib/clients/mixpanel/packs.js';
import type { MixpanelEvent, ProfileUpdate } from '../../../../lib/clients/mixpanel/types.js';
import type { OutgoingMessage } from '../../../../lib/clients/queue-gateway.js';
import { PermanentError } from '../../../../lib/errors.js';
import type { ItemResult } from '../../../../lib/sqs/batch-collector.js';
import { unpackedIntents } from '../../../support/mixpanel-messages.js';
import { RecordingMixpanel } from '../../../support/recording-mixpanel.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const MAX_AGE_MS = 60_000;

const events = (prefix: string, count: number): MixpanelEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    event: 'Terms Accepted',
    properties: { time: NOW - 5_000, distinct_id: `u_${prefix}${i}`, $insert_id: `${prefix}-${i}` },
  }));
const profiles = (prefix: string, count: number): ProfileUpdate[] =>
  Array.from({ length: count }, (_, i) => ({
    distinctId: `u_${prefix}${i}`,
    operation: '$set',
    values: { terms_version: 'v3' },
  }));
const parsed = (messages: readonly OutgoingMessage[]) =>
  messages.map((message) => MixpanelIntent.parse(JSON.parse(message.body)));

/**
 * A carry whose sends are recorded; each intent first queued at the time given, or carried
 * before since the time given as `{ carried: time }` (`lone`: how many times in a row nothing new joined it).
 */
function carrying(
  queuedAt: Array<number | { carried: number; lone?: number }>,
): CarryOptions & { sent: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  return {
    maxAgeMs: MAX_AGE_MS,
    queued: queuedAt.map((at) =>
      typeof at === 'number'
        ? { at, carried: false, lone: 0, attributes: { source: 'app' } }
        : { at: at.carried, carried: true, lone: at.lone ?? 0, attributes: { source: 'app' } },
    ),
    now: NOW,
    sent,
    send: (messages) => {
      sent.push(...messages);
      return Promise.resolve();
    },
  };
}

describe('sendNowCount', () => {
  const rest = { carriable: true, mayWaitAgain: true };

  it('sends only the full calls, possibly none, when the part-filled rest may wait', () => {
    expect(sendNowCount(3_400, rest)).toBe(2_000);
    expect(sendNowCount(6_100, rest)).toBe(6_000);
    expect(sendNowCount(1_999, rest)).toBe(0);
    expect(sendNowCount(2_500, { ...rest, mayWaitAgain: false })).toBe(2_000);
  });

  it('sends everything when every call fills, the rest may not wait, or what fills no call waited alone', () => {
    expect(sendNowCount(4_000, rest)).toBe(4_000);
    expect(sendNowCount(3_400, { ...rest, carriable: false })).toBe(3_400);
    expect(sendNowCount(1_999, { ...rest, mayWaitAgain: false })).toBe(1_999);
  });
});

describe('queuedOf', () => {
  it('is the carried pack’s own time when it has one, else when SQS accepted the message', () => {
    expect(queuedOf({ sentAt: NOW, attributes: { [CARRIED_SINCE_ATTRIBUTE]: String(NOW - 30_000) } })).toMatchObject({
      at: NOW - 30_000,
      carried: true,
      lone: 0,
    });
    expect(
      queuedOf({
        sentAt: NOW,
        attributes: { [CARRIED_SINCE_ATTRIBUTE]: String(NOW - 30_000), [CARRIED_ALONE_ATTRIBUTE]: '2' },
      }),
    ).toMatchObject({ at: NOW - 30_000, carried: true, lone: 2 });
    expect(queuedOf({ sentAt: NOW, attributes: {} })).toEqual({
      at: NOW,
      carried: false,
      lone: 0,
      attributes: {},
    });
    expect(queuedOf({ sentAt: NOW, attributes: { [CARRIED_SINCE_ATTRIBUTE]: 'soon' } })).toMatchObject({
      at: NOW,
      carried: false,
      lone: 0,
    });
    // A time set ahead of SQS's own cannot make a record look younger than it is.
    expect(queuedOf({ sentAt: NOW, attributes: { [CARRIED_SINCE_ATTRIBUTE]: String(NOW + 60_000) } }).at).toBe(NOW);
  });
});

describe('sendMixpanelIntents with a carry', () => {
  it('sends the full calls and puts the part-filled rest back on the queue, remembering its oldest time', async () => {
    const mixpanel = new RecordingMixpanel();
    const intents = parsed([...packEvents(events('a', 1_700)), ...packEvents(events('b', 1_700))]);
    const carry = carrying([NOW - 20_000, NOW - 10_000]);

    const results = await sendMixpanelIntents(mixpanel, intents, { carry });

    expect(results).toEqual([undefined, undefined]);
    expect(mixpanel.calls).toEqual([{ endpoint: 'import', records: 2_000 }]);
    const carried = unpackedIntents(carry.sent);
    expect(carried).toHaveLength(1_400);
    // The oldest message fills the call; the rest of the youngest waits.
    expect(mixpanel.events.slice(0, 1_700).map((event) => event.properties.$insert_id)).toEqual(
      events('a', 1_700).map((event) => event.properties.$insert_id),
    );
    expect(carry.sent.map((message) => message.attributes?.[CARRIED_SINCE_ATTRIBUTE])).toEqual([String(NOW - 10_000)]);
    const everything = [...mixpanel.events, ...carried.map((intent) => (intent as { event: MixpanelEvent }).event)];
    expect(new Set(everything.map((event) => event.properties.$insert_id)).size).toBe(3_400);
  });

  it('keeps on a carried pack the attributes its messages share, and only those', async () => {
    const mixpanel = new RecordingMixpanel();
    const carry = carrying([NOW - 2_000, NOW - 1_000]);
    carry.queued = [
      {
        at: NOW - 2_000,
        carried: false,
        lone: 0,
        attributes: { source: 'zendesk', ticket_id: '7', count: '2100' },
      },
      {
        at: NOW - 1_000,
        carried: false,
        lone: 0,
        attributes: { source: 'zendesk', ticket_id: '8', count: '1700' },
      },
    ];

    // The call takes 2,000 of a; the other 100 of a and all of b are carried.
    await sendMixpanelIntents(
      mixpanel,
      parsed([...packEvents(events('a', 2_100)), ...packEvents(events('b', 1_700))]),
      {
        carry,
      },
    );

    expect(carry.sent.map((message) => message.attributes)).toEqual([
      { source: 'zendesk', intent: 'mixpanel.events', count: '1800', [CARRIED_SINCE_ATTRIBUTE]: String(NOW - 2_000) },
    ]);
  });

  it('never carries a single event or update: it keeps its own message', async () => {
    const mixpanel = new RecordingMixpanel();
    const single = MixpanelIntent.parse({ type: 'mixpanel.event', event: events('s', 1)[0] });
    const carry = carrying([NOW - 1_000]);

    await sendMixpanelIntents(mixpanel, [single], { carry });

    expect(mixpanel.calls).toEqual([{ endpoint: 'import', records: 1 }]);
    expect(carry.sent).toEqual([]);
  });

  it('carries events and profile updates each by its own count', async () => {
    const mixpanel = new RecordingMixpanel();
    const intents = parsed([...packEvents(events('a', 2_500)), ...packProfileUpdates(profiles('a', 2_500))]);
    const carry = carrying(intents.map(() => NOW - 1_000));

    await sendMixpanelIntents(mixpanel, intents, { carry });

    expect(mixpanel.calls).toEqual([
      { endpoint: 'import', records: 2_000 },
      { endpoint: 'engage', records: 2_000 },
    ]);
    expect(carry.sent.map((message) => [message.attributes?.intent, message.attributes?.count])).toEqual([
      ['mixpanel.events', '500'],
      ['mixpanel.profiles', '500'],
    ]);
  });

  it('carries a pool that fills no call again as it comes back alone, LONE_CARRIES times, then sends it', async () => {
    const mixpanel = new RecordingMixpanel();
    const carry = carrying([NOW - 5_000]);
    const results = await sendMixpanelIntents(mixpanel, parsed(packEvents(events('a', 1_400))), { carry });
    expect(results).toEqual([undefined]);
    expect(mixpanel.calls).toEqual([]);
    expect(unpackedIntents(carry.sent)).toHaveLength(1_400);
    expect(carry.sent[0]?.attributes?.[CARRIED_ALONE_ATTRIBUTE]).toBeUndefined();

    let sent = carry.sent;
    for (let lone = 0; lone < LONE_CARRIES; lone += 1) {
      const back = carrying([{ carried: NOW - 5_000, lone }]);
      await sendMixpanelIntents(mixpanel, parsed(sent), { carry: back });
      expect(mixpanel.calls).toEqual([]);
      expect(back.sent.map((message) => message.attributes?.[CARRIED_ALONE_ATTRIBUTE])).toEqual([String(lone + 1)]);
      sent = back.sent;
    }

    const last = carrying([{ carried: NOW - 5_000, lone: LONE_CARRIES }]);
    await sendMixpanelIntents(mixpanel, parsed(sent), { carry: last });
    expect(mixpanel.calls).toEqual([{ endpoint: 'import', records: 1_400 }]);
    expect(last.sent).toEqual([]);
  });

  it('counts the lone carries of remainders that meet from the most of them, so they still end', async () => {
    const mixpanel = new RecordingMixpanel();
    const carry = carrying([
      { carried: NOW - 6_000, lone: 1 },
      { carried: NOW - 5_000, lone: 2 },
    ]);

    await sendMixpanelIntents(mixpanel, parsed([...packEvents(events('a', 600)), ...packEvents(events('b', 500))]), {
      carry,
    });

    expect(mixpanel.calls).toEqual([]);
    expect(carry.sent.map((message) => message.attributes?.[CARRIED_ALONE_ATTRIBUTE])).toEqual(['3']);
  });

  it('makes one call of two remainders that come back together', async () => {
    const mixpanel = new RecordingMixpanel();
    const carry = carrying([
      { carried: NOW - 6_000, lone: LONE_CARRIES },
      { carried: NOW - 5_000, lone: LONE_CARRIES },
    ]);

    await sendMixpanelIntents(mixpanel, parsed([...packEvents(events('a', 1_200)), ...packEvents(events('b', 800))]), {
      carry,
    });

    expect(mixpanel.calls).toEqual([{ endpoint: 'import', records: 2_000 }]);
  });

  it('carries what came back again when new records join it, until a call fills', async () => {
    const mixpanel = new RecordingMixpanel();
    const carried = packEvents(events('a', 1_200));
    const carry = carrying([{ carried: NOW - 8_000 }, NOW - 1_000, NOW - 500]);

    await sendMixpanelIntents(
      mixpanel,
      parsed([...carried, ...packEvents(events('b', 300)), ...packEvents(events('c', 300))]),
      { carry },
    );
    expect(mixpanel.calls).toEqual([]);
    expect(carry.sent.map((message) => message.attributes?.[CARRIED_SINCE_ATTRIBUTE])).toEqual([String(NOW - 8_000)]);
  });

  it('sends everything when the rest holds a record that has waited its time, or a versioned update', async () => {
    const old = new RecordingMixpanel();
    const young = packEvents(events('young', 2_000));
    const elderly = packEvents(events('old', 500));
    await sendMixpanelIntents(old, parsed([...young, ...elderly]), {
      carry: carrying([NOW - 1_000, NOW - MAX_AGE_MS]),
    });
    // The old record goes first, and the young pack is then the rest: it may wait.
    expect(old.calls).toEqual([{ endpoint: 'import', records: 2_000 }]);

    const versioned = new RecordingMixpanel();
    const intents = [
      ...parsed(packProfileUpdates(profiles('a', 2_000))),
      MixpanelIntent.parse({
        type: 'mixpanel.profile',
        update: profiles('v', 1)[0],
        version: { key: 'Account/001', modstamp: '2026-06-01T11:00:00Z' },
      }),
    ];
    const carry = carrying([NOW - 1_000, NOW - 1_000]);
    await sendMixpanelIntents(versioned, intents, { carry });
    // The versioned update goes first (it cannot wait), so the rest is unversioned and carried.
    expect(versioned.profiles[0]?.distinctId).toBe('u_v0');
    expect(versioned.calls).toEqual([{ endpoint: 'engage', records: 2_000 }]);
    expect(unpackedIntents(carry.sent)).toHaveLength(1);
  });

  it('sends the whole pool when the part-filled call would hold an old record', async () => {
    const mixpanel = new RecordingMixpanel();
    const carry = carrying([NOW - MAX_AGE_MS - 1, NOW - MAX_AGE_MS - 2]);

    await sendMixpanelIntents(
      mixpanel,
      parsed([...packEvents(events('a', 1_500)), ...packEvents(events('b', 1_500))]),
      {
        carry,
      },
    );

    expect(mixpanel.calls).toEqual([
      { endpoint: 'import', records: 2_000 },
      { endpoint: 'import', records: 1_000 },
    ]);
    expect(carry.sent).toEqual([]);
  });

  it('never carries with a carry of 0 s', async () => {
    const mixpanel = new RecordingMixpanel();
    const carry = { ...carrying([NOW, NOW]), maxAgeMs: 0 };

    await sendMixpanelIntents(
      mixpanel,
      parsed([...packEvents(events('a', 1_500)), ...packEvents(events('b', 1_500))]),
      {
        carry,
      },
    );

    expect(mixpanel.calls.map((call) => call.records)).toEqual([2_000, 1_000]);
  });

  it('keeps a permanent refusal of part of a pack apart from what that pack carries', async () => {
    const refusing = new RecordingMixpanel();
    refusing.importEvents = (sent): Promise<ItemResult[]> =>
      Promise.resolve(
        sent.map((event) =>
          event.properties.$insert_id === 'b-0'
            ? new PermanentError('bad event', { code: 'MIXPANEL_REJECTED' })
            : undefined,
        ),
      );
    const intents = parsed([...packEvents(events('a', 1_000)), ...packEvents(events('b', 1_500))]);
    const carry = carrying([NOW - 2_000, NOW - 1_000]);

    const results = await sendMixpanelIntents(refusing, intents, { carry });

    expect(results[0]).toBeUndefined();
    const refused = results[1];
    expect(refused).toBeInstanceOf(PermanentError);
    // Only the refused event is left to dead-letter: the 500 carried are on the queue again.
    const remainder = (refused as PermanentError).remainder;
    expect(remainder && unpackedIntents([remainder])).toHaveLength(1);
    expect(unpackedIntents(carry.sent)).toHaveLength(500);
  });
});

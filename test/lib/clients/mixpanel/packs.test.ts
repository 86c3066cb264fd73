import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { MixpanelIntent, sendMixpanelIntents } from '../../../../lib/clients/mixpanel/intents.js';
import type { MixpanelGateway } from '../../../../lib/clients/mixpanel/client.js';
import {
  PACK_MAX_BYTES,
  packEvents,
  packGroupUpdates,
  packOutcome,
  packProfileUpdates,
  unpack,
} from '../../../../lib/clients/mixpanel/packs.js';
import type { GroupUpdate, MixpanelEvent, ProfileUpdate } from '../../../../lib/clients/mixpanel/types.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import type { ItemResult } from '../../../../lib/sqs/batch-collector.js';

const profile = (i: number, extra = ''): ProfileUpdate => ({
  distinctId: `u_${i}`,
  operation: '$set',
  values: { account_id: `acc_${i % 7}`, plan: 'pro', active_7d: i % 2 === 0, note: extra },
  ignoreTime: true,
});

const parse = (body: string) => MixpanelIntent.parse(JSON.parse(body));

const event = (i: number): MixpanelEvent => ({
  event: 'Support Ticket Created',
  properties: { time: 1_767_261_600_000 + i, distinct_id: `u_${i % 50}`, $insert_id: `ins-${i}`, ticket_id: String(i) },
});

/** Records every call; refuses the distinct ids it is told to, permanently or for now. */
class RecordingMixpanel implements MixpanelGateway {
  readonly calls: Array<{ kind: string; size: number }> = [];
  constructor(private readonly refuse: Map<string, Error> = new Map()) {}
  readonly imported: string[] = [];
  importEvents(events: readonly MixpanelEvent[]): Promise<ItemResult[]> {
    this.calls.push({ kind: 'events', size: events.length });
    return Promise.resolve(
      events.map((event) => {
        const refusal = this.refuse.get(event.properties.$insert_id);
        if (!refusal) this.imported.push(event.properties.$insert_id);
        return refusal;
      }),
    );
  }
  updateProfiles(updates: readonly ProfileUpdate[]): Promise<ItemResult[]> {
    this.calls.push({ kind: 'profiles', size: updates.length });
    return Promise.resolve(updates.map((update) => this.refuse.get(update.distinctId)));
  }
  updateGroups(updates: readonly GroupUpdate[]): Promise<ItemResult[]> {
    this.calls.push({ kind: 'groups', size: updates.length });
    return Promise.resolve(updates.map(() => undefined));
  }
}

describe('packed profile and group updates', () => {
  it('packs 5,000 updates into 2,000-update messages under 200 KB that unpack to the same updates', () => {
    const updates = Array.from({ length: 5000 }, (_, i) => profile(i));
    const messages = packProfileUpdates(updates);
    expect(messages.map((message) => parse(message.body))).toMatchObject([
      { type: 'mixpanel.profiles', count: 2000 },
      { type: 'mixpanel.profiles', count: 2000 },
      { type: 'mixpanel.profiles', count: 1000 },
    ]);
    for (const message of messages) expect(Buffer.byteLength(message.body)).toBeLessThan(PACK_MAX_BYTES + 100);
    expect(messages[0]?.attributes).toEqual({ intent: 'mixpanel.profiles', count: '2000' });
  });

  it('splits a pack whose compressed updates would exceed the message limit', () => {
    // Hashes do not compress: 2,000 updates of 512 such characters are far above 200 KB gzipped.
    const noise = (i: number) =>
      Array.from({ length: 8 }, (_, j) => createHash('sha256').update(`${i}:${j}`).digest('hex')).join('');
    const messages = packProfileUpdates(Array.from({ length: 2000 }, (_, i) => profile(i, noise(i))));
    expect(messages.length).toBeGreaterThan(1);
    const counts = messages.map((message) => (parse(message.body) as { count: number }).count);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2000);
    for (const message of messages) expect(Buffer.byteLength(message.body)).toBeLessThan(PACK_MAX_BYTES + 100);
  });

  it('pools the updates of several packs and single intents into one call per kind and 2,000', async () => {
    const packs = [
      ...packProfileUpdates(Array.from({ length: 1500 }, (_, i) => profile(i))),
      ...packProfileUpdates(Array.from({ length: 1500 }, (_, i) => profile(10_000 + i))),
      ...packGroupUpdates([{ groupKey: 'account_id', groupId: 'acc_1', operation: '$set', values: { wapu: 3 } }]),
    ];
    const single = { type: 'mixpanel.profile' as const, update: profile(99_999) };
    const intents = [...packs.map((message) => parse(message.body)), MixpanelIntent.parse(single)];
    const mixpanel = new RecordingMixpanel();
    const results = await sendMixpanelIntents(mixpanel, intents);
    expect(results).toEqual([undefined, undefined, undefined, undefined]);
    expect(mixpanel.calls).toEqual([
      { kind: 'profiles', size: 3001 },
      { kind: 'groups', size: 1 },
    ]);
  });

  it('retries a pack with a retryable failure, dead-letters one with only refusals, leaves the rest', async () => {
    const refuse = new Map<string, Error>([
      ['u_3', new RetryableError('Mixpanel answered 503', { retryAfterSeconds: 7 })],
      ['u_10003', new PermanentError('Mixpanel /engage refused: bad', { code: 'MIXPANEL_REJECTED' })],
    ]);
    const intents = [
      ...packProfileUpdates(Array.from({ length: 10 }, (_, i) => profile(i))),
      ...packProfileUpdates(Array.from({ length: 10 }, (_, i) => profile(10_000 + i))),
      ...packProfileUpdates(Array.from({ length: 10 }, (_, i) => profile(20_000 + i))),
    ].map((message) => parse(message.body));
    const [first, second, third] = await sendMixpanelIntents(new RecordingMixpanel(refuse), intents);
    expect(first).toBeInstanceOf(RetryableError);
    expect((first as RetryableError).retryAfterSeconds).toBe(7);
    expect(first?.message).toBe('1 of 10 updates failed, e.g. Mixpanel answered 503');
    expect(second).toBeInstanceOf(PermanentError);
    expect((second as PermanentError).code).toBe('MIXPANEL_REJECTED');
    expect(third).toBeUndefined();
  });

  it('refuses for good a pack that cannot be read or whose count is wrong, without a call', async () => {
    const garbled = MixpanelIntent.parse({ type: 'mixpanel.profiles', count: 1, data: 'bm90IGd6aXA=' });
    const miscounted = MixpanelIntent.parse({
      type: 'mixpanel.groups',
      count: 2,
      data: gzipSync(JSON.stringify([{}])).toString('base64'),
    });
    const mixpanel = new RecordingMixpanel();
    const results = await sendMixpanelIntents(mixpanel, [garbled, miscounted]);
    expect(results.map((result) => (result as PermanentError).code)).toEqual(['INVALID_PACK', 'INVALID_PACK']);
    expect(mixpanel.calls).toEqual([]);
  });

  it('says nothing failed when nothing did', () => {
    expect(packOutcome([undefined, undefined])).toBeUndefined();
  });
});

describe('packed events', () => {
  it('packs a batch of events into messages of 2,000 that say what they hold, pooled into full calls', async () => {
    const messages = [
      ...packEvents(
        Array.from({ length: 2500 }, (_, i) => event(i)),
        { source: 'zendesk' },
      ),
      ...packEvents(
        Array.from({ length: 1500 }, (_, i) => event(10_000 + i)),
        { source: 'app' },
      ),
    ];
    const mixpanel = new RecordingMixpanel();

    const results = await sendMixpanelIntents(
      mixpanel,
      messages.map((message) => parse(message.body)),
    );

    expect(messages.map((message) => message.attributes)).toEqual([
      { source: 'zendesk', intent: 'mixpanel.events', count: '2000' },
      { source: 'zendesk', intent: 'mixpanel.events', count: '500' },
      { source: 'app', intent: 'mixpanel.events', count: '1500' },
    ]);
    expect(results).toEqual([undefined, undefined, undefined]);
    expect(mixpanel.calls).toEqual([{ kind: 'events', size: 4000 }]);
    expect(new Set(mixpanel.imported).size).toBe(4000);
  });

  it('dead-letters only the refused events of a pack whose others were imported, and sends none again', async () => {
    const refusal = new PermanentError('Mixpanel rejected the event: time: too old', {
      code: 'MIXPANEL_INVALID_EVENT',
    });
    const mixpanel = new RecordingMixpanel(new Map([['ins-7', refusal]]));
    const [message] = packEvents(
      Array.from({ length: 10 }, (_, i) => event(i)),
      { source: 'zendesk' },
    );

    const [result] = await sendMixpanelIntents(mixpanel, [parse(message!.body)]);

    expect(result).toBeInstanceOf(PermanentError);
    expect(result?.message).toBe(
      '1 of 10 events failed, e.g. Mixpanel rejected the event: time: too old; the other 9 were sent',
    );
    const remainder = (result as PermanentError).remainder;
    expect(remainder?.attributes).toEqual({ intent: 'mixpanel.events', count: '1' });
    const rest = parse(remainder!.body);
    expect(rest.type === 'mixpanel.events' && unpack(rest)).toEqual([event(7)]);
    expect(mixpanel.imported).toHaveLength(9);
  });

  it('retries a pack whose call failed for now; dead-letters as it is one whose every event was refused', async () => {
    const mixpanel = new RecordingMixpanel(
      new Map<string, Error>([
        ['ins-1', new RetryableError('Mixpanel answered 429')],
        ...[20, 21].map(
          (i) => [`ins-${i}`, new PermanentError('refused', { code: 'MIXPANEL_INVALID_EVENT' })] as const,
        ),
      ]),
    );
    const packs = [...packEvents([event(0), event(1)]), ...packEvents([event(20), event(21)])].map((message) =>
      parse(message.body),
    );

    const [retried, refused] = await sendMixpanelIntents(mixpanel, packs);

    expect(retried).toBeInstanceOf(RetryableError);
    expect(refused).toBeInstanceOf(PermanentError);
    expect((refused as PermanentError).remainder).toBeUndefined();
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import { ApiPause } from '../../../../lib/clients/api-pause.js';
import { CARRIED_SINCE_ATTRIBUTE, LONE_CARRIES } from '../../../../lib/clients/mixpanel/carry.js';
import { packEvents, packProfileUpdates } from '../../../../lib/clients/mixpanel/packs.js';
import { PausedMixpanelGateway } from '../../../../lib/clients/mixpanel/paused.js';
import { createMixpanelSender } from '../../../../lib/clients/mixpanel/sender.js';
import type { MixpanelEvent, ProfileUpdate } from '../../../../lib/clients/mixpanel/types.js';
import { StoredVersionGate } from '../../../../lib/clients/mixpanel/version-gate.js';
import { SqsQueueGateway, type OutgoingMessage, type QueueGateway } from '../../../../lib/clients/queue-gateway.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import type { ItemResult } from '../../../../lib/sqs/batch-collector.js';
import { EventSourceMapping, type Invocation } from '../../../../local/event-source-mapping.js';
import { startLocalSqs, type LocalQueue, type LocalSqs } from '../../../../local/local-sqs.js';
import { FakeStateStore } from '../../../support/fake-state-store.js';
import { unpackedIntents } from '../../../support/mixpanel-messages.js';
import { depthOf, queuePair } from '../../../support/local-queues.js';
import { RecordingMixpanel } from '../../../support/recording-mixpanel.js';

/**
 * The mixpanel sender with its carry, on local SQS, under the faults SQS and Lambda allow: a
 * message delivered twice, an invocation that dies after carrying but before answering, a carry
 * that SQS does not take, and Mixpanel failing the calls made beside a carry. Whatever happens,
 * every record reaches Mixpanel as it was queued (the same `$insert_id`, time and properties, or
 * the same profile operation), so a duplicate is one Mixpanel deduplicates or repeats harmlessly.
 */

let sqs: LocalSqs;
let queue: LocalQueue;
let dlq: LocalQueue;
let mapping: EventSourceMapping | undefined;

beforeAll(async () => {
  sqs = await startLocalSqs();
});
afterAll(async () => sqs.stop());
afterEach(async () => {
  await mapping?.stop();
  mapping = undefined;
});

const events = (prefix: string, count: number): MixpanelEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    event: 'Terms Accepted',
    properties: { time: 1_780_000_000_000 + i, distinct_id: `u_${prefix}${i}`, $insert_id: `${prefix}-${i}`, n: i },
  }));
const profiles = (prefix: string, count: number): ProfileUpdate[] =>
  Array.from({ length: count }, (_, i) => ({
    distinctId: `u_${prefix}${i}`,
    operation: '$set',
    values: { terms_version: `v${i % 7}` },
    ignoreTime: true,
  }));

/** Mixpanel that records what it accepted; the calls listed in `failNext` fail whole, in turn. */
class FaultyMixpanel extends RecordingMixpanel {
  readonly failNext: Error[] = [];

  override importEvents(sent: readonly MixpanelEvent[]): Promise<ItemResult[]> {
    const failure = this.failNext.shift();
    return failure ? Promise.resolve(sent.map(() => failure)) : super.importEvents(sent);
  }

  override updateProfiles(sent: readonly ProfileUpdate[]): Promise<ItemResult[]> {
    const failure = this.failNext.shift();
    return failure ? Promise.resolve(sent.map(() => failure)) : super.updateProfiles(sent);
  }
}

/** The sender's queue on local SQS, with faults: sends that fail, sends that arrive twice. */
class FaultyQueue implements QueueGateway {
  readonly failNext: Error[] = [];
  duplicateSends = false;
  /** What the sender put back on its queue (and SQS took). */
  readonly carried: OutgoingMessage[] = [];

  constructor(private readonly inner: SqsQueueGateway) {}

  async send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const failure = this.failNext.shift();
    if (failure) throw failure;
    await this.inner.send(queueUrl, messages);
    if (this.duplicateSends) await this.inner.send(queueUrl, messages);
    this.carried.push(...messages);
  }

  retryLater(queueUrl: string, receiptHandle: string, delaySeconds: number): Promise<void> {
    return this.inner.retryLater(queueUrl, receiptHandle, delaySeconds);
  }

  deadLetter(dlqUrl: string, message: OutgoingMessage, reason: { code: string; message: string }): Promise<void> {
    return this.inner.deadLetter(dlqUrl, message, reason);
  }
}

interface Run {
  mixpanel: FaultyMixpanel;
  queue: FaultyQueue;
  invocations: Invocation[];
  /** The next invocations that die once the handler has done its work, before Lambda hears its answer. */
  crashes: { next: number };
}

/** The sender on a fresh queue pair, fed `messages` before its event source mapping starts. */
async function startSender(
  messages: readonly OutgoingMessage[],
  options: { wrapMixpanel?: (mixpanel: FaultyMixpanel) => RecordingMixpanel | PausedMixpanelGateway } = {},
): Promise<Run> {
  ({ queue, dlq } = await queuePair(sqs, 1, 5));
  const mixpanel = new FaultyMixpanel();
  const faulty = new FaultyQueue(new SqsQueueGateway(sqs.client));
  // One at a time, so that their SentTimestamps, and hence the order the sender pools them in, are theirs.
  for (const message of messages) {
    await new SqsQueueGateway(sqs.client).send(queue.url, [message]);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const handler = createMixpanelSender({
    mixpanel: options.wrapMixpanel ? options.wrapMixpanel(mixpanel) : mixpanel,
    gate: new StoredVersionGate(new FakeStateStore()),
    queue: faulty,
    queueUrl: queue.url,
    dlqUrl: dlq.url,
    maxReceiveCount: 5,
    carrySeconds: 60,
    backoff: { baseSeconds: 1, maxSeconds: 1, jitterSeconds: { min: 0, max: 0 } },
  });
  const run: Run = { mixpanel, queue: faulty, invocations: [], crashes: { next: 0 } };
  mapping = new EventSourceMapping({
    functionName: 'mixpanelSender',
    handler: async (event: SQSEvent, context) => {
      const answer = await handler(event, context);
      if (run.crashes.next > 0) {
        run.crashes.next -= 1;
        throw new Error('the environment died before its answer reached Lambda');
      }
      return answer;
    },
    sqs: sqs.client,
    queueUrl: queue.url,
    queueArn: queue.arn,
    region: 'us-east-1',
    batchSize: 10,
    maximumBatchingWindowSeconds: 0,
    maximumConcurrency: 1,
    reportBatchItemFailures: true,
    timeoutSeconds: 30,
    onInvocation: (invocation) => run.invocations.push(invocation),
  });
  return run;
}

async function drained(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await depthOf(sqs, queue.url)) > 0) {
    if (Date.now() > deadline) throw new Error('the queue did not drain within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * What reached Mixpanel, against what was queued: every record arrived, and nothing arrived that
 * was not one of them exactly (a duplicate is the same record again, never a new distinct one).
 */
function expectSameRecords(reached: readonly unknown[], queued: readonly unknown[]): void {
  const text = (records: readonly unknown[]) => new Set(records.map((record) => JSON.stringify(record)));
  expect([...text(reached)].sort()).toEqual([...text(queued)].sort());
}

/** How many times Mixpanel accepted each event. */
function deliveries(mixpanel: RecordingMixpanel): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of mixpanel.events)
    counts.set(event.properties.$insert_id, (counts.get(event.properties.$insert_id) ?? 0) + 1);
  return counts;
}

const outcomes = (run: Run) => run.invocations.map((invocation) => [invocation.size, invocation.outcome]);

describe('the mixpanel sender’s carried remainders, on local SQS', () => {
  it('sends a carried pack that SQS delivers twice as the same events again, never as new ones', async () => {
    const [a, b] = [events('a', 1_500), events('b', 1_000)];
    const run = await startSender([...packEvents(a), ...packEvents(b)]);
    run.queue.duplicateSends = true;

    await mapping!.start();
    await drained();

    expect(run.queue.carried.length).toBeGreaterThan(0);
    expectSameRecords(run.mixpanel.events, [...a, ...b]);
    // The carried events went out more than once: Mixpanel keeps one of each ($insert_id, time, distinct_id).
    expect(run.mixpanel.events.length).toBeGreaterThan(2_500);
    expect(await depthOf(sqs, dlq.url)).toBe(0);
  }, 60_000);

  it.each([
    {
      kind: 'events',
      queued: [events('a', 1_500), events('b', 1_000)],
      pack: (records: unknown[]) => packEvents(records as MixpanelEvent[]),
      reached: (mixpanel: RecordingMixpanel): unknown[] => mixpanel.events,
    },
    {
      kind: 'profile updates',
      queued: [profiles('a', 1_500), profiles('b', 1_000)],
      pack: (records: unknown[]) => packProfileUpdates(records as ProfileUpdate[]),
      reached: (mixpanel: RecordingMixpanel): unknown[] => mixpanel.profiles,
    },
  ])(
    'loses no $kind when an invocation dies after carrying, and sends the originals that come back as the same records',
    async ({ queued, pack, reached }) => {
      const run = await startSender(queued.flatMap((records) => pack(records)));
      run.crashes.next = 1;

      await mapping!.start();
      await drained();

      // The first invocation made its full call and carried the rest, then died: its two messages came back.
      expect(outcomes(run)[0]).toEqual([2, 'error']);
      expect(run.queue.carried.length).toBeGreaterThan(0);
      expectSameRecords(reached(run.mixpanel), queued.flat());
      expect(reached(run.mixpanel).length).toBeGreaterThan(2_500);
      expect(await depthOf(sqs, dlq.url)).toBe(0);
    },
    60_000,
  );

  it.each([
    ['fails for a while', new RetryableError('SendMessageBatch to the mixpanel queue failed')],
    [
      'refuses it',
      new PermanentError('SQS rejected a message: InvalidParameterValue', { code: 'InvalidParameterValue' }),
    ],
  ])(
    'sends a remainder now when SQS %s instead of taking it back',
    async (_, failure) => {
      const [a, b] = [events('a', 1_500), events('b', 1_000)];
      const run = await startSender([...packEvents(a), ...packEvents(b)]);
      run.queue.failNext.push(failure);

      await mapping!.start();
      await drained();

      expect(outcomes(run)).toEqual([[2, 'ok']]);
      expect(run.mixpanel.calls).toEqual([
        { endpoint: 'import', records: 2_000 },
        { endpoint: 'import', records: 500 },
      ]);
      expectSameRecords(run.mixpanel.events, [...a, ...b]);
      expect([...deliveries(run.mixpanel).values()].every((count) => count === 1)).toBe(true);
      expect(await depthOf(sqs, dlq.url)).toBe(0);
    },
    60_000,
  );

  it.each([
    ['a 503', () => new RetryableError('Mixpanel answered 503'), (mixpanel: FaultyMixpanel) => mixpanel],
    [
      'a 429 that pauses Mixpanel for every sender',
      () => new RetryableError('Mixpanel answered 429', { rateLimited: true }),
      (mixpanel: FaultyMixpanel) => new PausedMixpanelGateway(mixpanel, new ApiPause(new FakeStateStore(), 'mixpanel')),
    ],
  ])(
    'retries the messages of a call that fails with %s, carries only the records of the others, and sends each once',
    async (_, failure, wrapMixpanel) => {
      const [a, b, c] = [events('a', 1_000), events('b', 1_500), events('c', 500)];
      const run = await startSender([...packEvents(a), ...packEvents(b), ...packEvents(c)], { wrapMixpanel });
      run.mixpanel.failNext.push(failure());

      await mapping!.start();
      await drained();

      // The failed call held the first two packs, one of them in part: both are retried whole, and the
      // remainder carried is the third pack alone, not the straddling pack's rest as well.
      expect(run.invocations[0]).toMatchObject({ size: 3, outcome: 'partial', failed: 2 });
      const firstCarry = unpackedIntents(run.queue.carried.slice(0, 1)) as Array<{ event: MixpanelEvent }>;
      expect(firstCarry.map(({ event }) => event)).toEqual(c);
      expectSameRecords(run.mixpanel.events, [...a, ...b, ...c]);
      expect([...deliveries(run.mixpanel).values()].every((count) => count === 1)).toBe(true);
      expect(await depthOf(sqs, dlq.url)).toBe(0);
    },
    60_000,
  );

  it('sends a carried pack at once, not carried again, when it has waited its time (a long outage)', async () => {
    const old = events('old', 500);
    const [message] = packEvents(old, {
      [CARRIED_SINCE_ATTRIBUTE]: String(Date.now() - 10 * 60_000),
    }) as [OutgoingMessage];
    const run = await startSender([message]);

    await mapping!.start();
    await drained();

    expect(outcomes(run)).toEqual([[1, 'ok']]);
    expect(run.mixpanel.calls).toEqual([{ endpoint: 'import', records: 500 }]);
    expect(run.queue.carried).toEqual([]);
  }, 60_000);

  it.each([
    ['not a number', { carried_since: 'soon' }],
    ['negative', { carried_since: '-5000' }],
    ['zero', { carried_since: '0' }],
    ['beyond any number', { carried_since: '1e400' }],
    ['an hour ahead', { carried_since: String(Date.now() + 3_600_000) }],
    ['ahead without end', { carried_since: '1e20', carried_alone: 'true' }],
    ['not a flag', { carried_since: String(Date.now()), carried_alone: 'yes' }],
  ])(
    'neither drops nor keeps carrying a pack whose carried_since or carried_alone is %s',
    async (_, attributes: Record<string, string>) => {
      const records = events('x', 500);
      const run = await startSender(packEvents(records, attributes));

      await mapping!.start();
      await drained();

      // Carried at most once and then LONE_CARRIES times alone, as a pack first queued when SQS took it; then sent.
      expect(run.invocations.length).toBeLessThanOrEqual(LONE_CARRIES + 2);
      expect(run.mixpanel.calls).toEqual([{ endpoint: 'import', records: 500 }]);
      expectSameRecords(run.mixpanel.events, records);
      for (const carried of run.queue.carried)
        expect(Number(carried.attributes?.[CARRIED_SINCE_ATTRIBUTE])).toBeLessThanOrEqual(Date.now());
      expect(await depthOf(sqs, dlq.url)).toBe(0);
    },
    60_000,
  );
});

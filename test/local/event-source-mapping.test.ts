import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { EventSourceMapping, type Invocation, type SqsLambdaHandler } from '../../local/event-source-mapping.js';
import { startLocalSqs, type LocalQueue, type LocalSqs } from '../../local/local-sqs.js';
import { depthOf, queuePair, sendBodies } from '../support/local-queues.js';

let sqs: LocalSqs;
let queue: LocalQueue;
let dlq: LocalQueue;
let mapping: EventSourceMapping | undefined;

beforeAll(async () => {
  sqs = await startLocalSqs();
});
afterAll(async () => sqs.stop());

async function makeQueues(visibilityTimeoutSeconds: number): Promise<void> {
  ({ queue, dlq } = await queuePair(sqs, visibilityTimeoutSeconds));
}

beforeEach(async () => makeQueues(1));
afterEach(async () => {
  await mapping?.stop();
  mapping = undefined;
});

const send = (bodies: string[]): Promise<void> => sendBodies(sqs, queue.url, bodies);
const depth = (url: string): Promise<number> => depthOf(sqs, url);

async function run(
  handler: SqsLambdaHandler,
  settings: Partial<{ batchSize: number; window: number; cap: number; concurrency: number; timeout: number }> = {},
): Promise<Invocation[]> {
  const invocations: Invocation[] = [];
  mapping = new EventSourceMapping({
    functionName: 'test',
    handler,
    sqs: sqs.client,
    queueUrl: queue.url,
    queueArn: queue.arn,
    region: 'us-east-1',
    batchSize: settings.batchSize ?? 10,
    maximumBatchingWindowSeconds: settings.window ?? 0,
    ...(settings.cap === undefined ? {} : { maxBatchingWindowSeconds: settings.cap }),
    maximumConcurrency: settings.concurrency ?? 2,
    reportBatchItemFailures: true,
    timeoutSeconds: settings.timeout ?? 10,
    onInvocation: (invocation) => invocations.push(invocation),
  });
  await mapping.start();
  return invocations;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('EventSourceMapping keeps the Lambda SQS contract', () => {
  it('keeps a batch of large messages inside the 6 MB invocation payload, whatever the batch size', async () => {
    const sizes: number[] = [];
    const handler: SqsLambdaHandler = (event: SQSEvent) => {
      sizes.push(event.Records.reduce((sum, record) => sum + Buffer.byteLength(record.body), 0));
      return Promise.resolve();
    };
    await makeQueues(30);
    // 40 bodies of 200 KB: 8 MB in all, so at least two invocations even with room for 100 messages.
    const bodies = Array.from({ length: 40 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(200 * 1024 - 20) }));
    // SendMessageBatch takes 1 MiB at most.
    for (let i = 0; i < bodies.length; i += 4) await send(bodies.slice(i, i + 4));

    await run(handler, { batchSize: 100, window: 2, concurrency: 1 });
    await until(async () => (await depth(queue.url)) === 0);

    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0));
  });

  it('re-delivers only the reported failures and deletes the rest', async () => {
    const seen: string[] = [];
    let firstTry = true;
    const handler: SqsLambdaHandler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
      seen.push(...event.Records.map((record) => record.body));
      const failures = firstTry ? event.Records.filter((record) => record.body === 'b') : [];
      firstTry = false;
      return { batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })) };
    };
    await send(['a', 'b', 'c']);

    await run(handler, { batchSize: 10 });
    await until(() => seen.length === 4);
    await until(async () => (await depth(queue.url)) === 0);

    expect(seen.slice(0, 3).sort()).toEqual(['a', 'b', 'c']);
    expect(seen[3]).toBe('b');
  });

  it('moves a message that fails maxReceiveCount times to the dead-letter queue', async () => {
    const attempts: number[] = [];
    const handler: SqsLambdaHandler = async (event) => {
      attempts.push(...event.Records.map((record) => Number(record.attributes.ApproximateReceiveCount)));
      return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
    };
    await send(['poison']);

    await run(handler);
    await until(async () => (await depth(dlq.url)) === 1);

    const { Messages } = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: dlq.url }));
    expect(Messages?.[0]?.Body).toBe('poison');
    expect(attempts).toEqual([1, 2, 3]);
    expect(await depth(queue.url)).toBe(0);
  });

  it('fails the whole batch on a throw or on an unknown item identifier', async () => {
    let calls = 0;
    const handler: SqsLambdaHandler = async () => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      return { batchItemFailures: [] };
    };
    await send(['x', 'y']);

    const invocations = await run(handler);
    await until(() => invocations.some((invocation) => invocation.outcome === 'ok'));

    expect(invocations.map((invocation) => invocation.outcome)).toEqual(['error', 'invalid-response', 'ok']);
    expect(invocations.map((invocation) => invocation.size)).toEqual([2, 2, 2]);
  });

  it('never runs more than maximumConcurrency batches at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const handler: SqsLambdaHandler = async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 150));
      inFlight -= 1;
    };
    await send(Array.from({ length: 40 }, (_, i) => `m${i}`));

    const invocations = await run(handler, { batchSize: 2, concurrency: 3 });
    await until(() => invocations.reduce((sum, invocation) => sum + invocation.size, 0) === 40);

    expect(peak).toBe(3);
    expect(Math.max(...invocations.map((invocation) => invocation.size))).toBeLessThanOrEqual(2);
  });

  it('fills batches up to batchSize and no further', async () => {
    await makeQueues(30);
    await send(Array.from({ length: 45 }, (_, i) => `m${i}`));
    const handler: SqsLambdaHandler = async () => undefined;

    const invocations = await run(handler, { batchSize: 20, window: 2, concurrency: 2 });
    await until(() => invocations.reduce((sum, invocation) => sum + invocation.size, 0) === 45);

    expect(Math.max(...invocations.map((invocation) => invocation.size))).toBe(20);
    expect(invocations.every((invocation) => invocation.size <= 20)).toBe(true);
  });

  it('waits for the batching window before invoking a partial batch, and no longer', async () => {
    await makeQueues(30);
    const handler: SqsLambdaHandler = async () => undefined;
    const invocations = await run(handler, { batchSize: 100, window: 1, concurrency: 2 });
    await send(['a', 'b', 'c']);

    await until(() => invocations.length > 0);

    const [first] = invocations;
    expect(first?.size).toBe(3);
    expect(first?.waitedMs).toBeGreaterThanOrEqual(900);
    expect(first?.waitedMs).toBeLessThan(2500);
  });

  it.each([
    { window: 10, cap: 1, waits: 1 },
    { window: 1, cap: 10, waits: 1 },
  ])('waits the shorter of a $window s window and a $cap s cap', async ({ window, cap, waits }) => {
    await makeQueues(30);
    const handler: SqsLambdaHandler = async () => undefined;
    const invocations = await run(handler, { batchSize: 100, window, cap, concurrency: 1 });
    await send(['a', 'b', 'c']);

    await until(() => invocations.length > 0);

    expect(invocations[0]?.size).toBe(3);
    expect(invocations[0]?.waitedMs).toBeGreaterThanOrEqual(waits * 1000 - 100);
    expect(invocations[0]?.waitedMs).toBeLessThan(waits * 1000 + 1500);
  });

  it('fails a batch whose handler outlives the function timeout', async () => {
    const handler: SqsLambdaHandler = () => new Promise(() => undefined);
    await send(['slow']);

    const invocations = await run(handler, { timeout: 1 });
    await until(() => invocations.length > 0);

    expect(invocations[0]?.outcome).toBe('timeout');
    expect(await depth(queue.url)).toBe(1);
  });
});

describe('EventSourceMapping on stop', () => {
  it('hands back the messages gathered for a batch it will not invoke, and invokes nothing more', async () => {
    await makeQueues(30);
    let invoked = 0;
    await run(async () => void (invoked += 1), { window: 5 });
    await send(['a', 'b']);
    await until(
      async () =>
        (
          await sqs.client.send(
            new GetQueueAttributesCommand({
              QueueUrl: queue.url,
              AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
            }),
          )
        ).Attributes?.ApproximateNumberOfMessagesNotVisible === '2',
    );

    await mapping!.stop();
    mapping = undefined;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { Messages } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }),
    );

    expect(invoked).toBe(0);
    expect(Messages?.map((message) => message.Body).sort()).toEqual(['a', 'b']);
  });
});

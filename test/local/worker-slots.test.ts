import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventSourceMapping, type Invocation } from '../../local/event-source-mapping.js';
import { EnvironmentCrashed, WorkerEnvironment } from '../../local/execution-environment.js';
import { LOCAL_AWS_CREDENTIALS } from '../../local/local-credentials.js';
import { startLocalSqs, type LocalQueue, type LocalSqs } from '../../local/local-sqs.js';
import { eventually } from '../support/hub-harness.js';
import { depthOf, queuePair, sendBodies } from '../support/local-queues.js';

// Worker slots start cold (a bundle and a thread each) and retries wait out visibility timeouts.
jest.setTimeout(60_000);

const fixture = (name: string): string => pathToFileURL(resolve(import.meta.dirname, `fixtures/${name}.ts`)).href;

let sqs: LocalSqs;
let queue: LocalQueue;
let dlq: LocalQueue;
let mapping: EventSourceMapping | undefined;
let folder: string;
let recordFile: string;

beforeAll(async () => {
  sqs = await startLocalSqs();
  folder = mkdtempSync(join(tmpdir(), 'worker-slots-'));
});
afterAll(async () => {
  await sqs.stop();
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(async () => {
  ({ queue, dlq } = await queuePair(sqs, 1, 5));
  recordFile = join(folder, `${queue.name}.jsonl`);
});
afterEach(async () => {
  await mapping?.stop();
  mapping = undefined;
});

interface Settings {
  batchSize: number;
  concurrency: number;
  timeout?: number;
  crashEvery?: number;
  env?: Record<string, string>;
}

/** Runs a fixture function module in worker slots against the queue, as the local hub does. */
async function runInWorkers(module: string, settings: Settings): Promise<Invocation[]> {
  const invocations: Invocation[] = [];
  const env = {
    RECORD_FILE: recordFile,
    SQS_ENDPOINT: sqs.endpoint,
    QUEUE_URL: queue.url,
    DLQ_URL: dlq.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
    ...settings.env,
  };
  mapping = new EventSourceMapping({
    functionName: 'test',
    environment: () =>
      new WorkerEnvironment({ functionName: 'test', moduleUrl: fixture(module), exportName: 'handler', env }),
    sqs: sqs.client,
    queueUrl: queue.url,
    queueArn: queue.arn,
    region: 'us-east-1',
    batchSize: settings.batchSize,
    maximumBatchingWindowSeconds: 0,
    maximumConcurrency: settings.concurrency,
    reportBatchItemFailures: true,
    timeoutSeconds: settings.timeout ?? 10,
    crashEvery: settings.crashEvery,
    onInvocation: (invocation) => invocations.push(invocation),
  });
  await mapping.start();
  return invocations;
}

function records<T>(): T[] {
  let text = '';
  try {
    text = readFileSync(recordFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

interface Step {
  instance: string;
  step: 'start' | 'end';
  overlapping?: boolean;
  deliveries: Array<{ body: string; receiveCount: number }>;
}
const ended = (body: string) => (step: Step) =>
  step.step === 'end' && step.deliveries.some((delivery) => delivery.body === body);

describe('worker slots: each concurrent invocation in an execution environment of its own', () => {
  it('never runs two invocations at once in one module instance, while the slots do run at once', async () => {
    await sendBodies(
      sqs,
      queue.url,
      Array.from({ length: 24 }, (_, i) => `m${i}`),
    );

    const invocations = await runInWorkers('recording-function', {
      batchSize: 2,
      concurrency: 3,
      env: { DELAY_MS: '150' },
    });
    await eventually(() => (records<Step>().filter((step) => step.step === 'end').length === 12 ? true : undefined));

    const steps = records<Step>();
    expect(steps.filter((step) => step.overlapping)).toEqual([]);
    expect(new Set(steps.map((step) => step.instance)).size).toBe(3);
    const peak = Math.max(
      ...invocations.map(
        (one) => invocations.filter((other) => other.startedAt < one.endedAt && one.startedAt < other.endedAt).length,
      ),
    );
    expect(peak).toBeGreaterThan(1);
  });

  it('keeps every retryable failure on the real queue until it succeeds, under concurrent invocations', async () => {
    // Only the consumer's own delayed retries re-deliver: no slow cold start outlives the visibility timeout.
    ({ queue, dlq } = await queuePair(sqs, 60, 5));
    const messages = Array.from({ length: 30 }, (_, i) => ({ id: `m${i}`, failures: i % 3 }));
    await sendBodies(
      sqs,
      queue.url,
      messages.map((message) => JSON.stringify(message)),
    );

    const invocations = await runInWorkers('flaky-consumer', { batchSize: 4, concurrency: 3 });
    await eventually(async () => ((await depthOf(sqs, queue.url)) === 0 ? true : undefined));

    const attempts = records<{ id: string; receiveCount: number; failed: boolean }>();
    for (const message of messages) {
      const mine = attempts.filter((attempt) => attempt.id === message.id);
      // Each failure came back for another delivery; none was deleted with the batch's successes.
      expect(mine.map((attempt) => [attempt.receiveCount, attempt.failed])).toEqual(
        Array.from({ length: message.failures + 1 }, (_, n) => [n + 1, n < message.failures]),
      );
    }
    expect(await depthOf(sqs, dlq.url)).toBe(0);
    // The consumer's own count of retries travels back with each answer and matches Lambda's view.
    expect(invocations.every((invocation) => invocation.summary?.retried === invocation.failed)).toBe(true);
    expect(invocations.reduce((sum, invocation) => sum + (invocation.summary?.processed ?? 0), 0)).toBe(30);
  });

  it('kills an environment whose invocation times out and answers the retry from a fresh one', async () => {
    await sendBodies(sqs, queue.url, ['hang']);

    const invocations = await runInWorkers('recording-function', { batchSize: 1, concurrency: 1, timeout: 1 });
    await eventually(() => records<Step>().find(ended('hang')));

    const [first, second] = records<Step>().filter((step) => step.step === 'start');
    expect(invocations[0]?.outcome).toBe('timeout');
    expect(first?.deliveries[0]?.receiveCount).toBe(1);
    expect(second?.deliveries[0]?.receiveCount).toBe(2);
    expect(second?.instance).not.toBe(first?.instance);
  });

  it('loses nothing when an environment dies mid-batch: every message of the batch comes back', async () => {
    await sendBodies(sqs, queue.url, ['a', 'crash', 'b']);

    const invocations = await runInWorkers('recording-function', { batchSize: 3, concurrency: 1 });
    await eventually(async () => ((await depthOf(sqs, queue.url)) === 0 ? true : undefined));

    expect(invocations.map((invocation) => invocation.outcome)).toEqual(['crashed', 'ok']);
    expect(invocations[0]?.error).toContain('the environment crashed');
    const done = records<Step>().filter((step) => step.step === 'end');
    expect(done.flatMap((step) => step.deliveries)).toEqual(
      expect.arrayContaining(['a', 'crash', 'b'].map((body) => ({ body, receiveCount: 2 }))),
    );
  });

  it('with crashEvery, kills every N-th invocation mid-way and still delivers every message', async () => {
    await sendBodies(sqs, queue.url, ['a', 'b', 'c', 'd', 'e', 'f']);

    const invocations = await runInWorkers('recording-function', { batchSize: 1, concurrency: 1, crashEvery: 3 });
    await eventually(async () => ((await depthOf(sqs, queue.url)) === 0 ? true : undefined));

    expect(invocations.filter((_, i) => (i + 1) % 3 === 0).every((one) => one.outcome === 'crashed')).toBe(true);
    expect(invocations.filter((_, i) => (i + 1) % 3 !== 0).every((one) => one.outcome === 'ok')).toBe(true);
    const done = new Set(
      records<Step>()
        .filter((step) => step.step === 'end')
        .flatMap((step) => step.deliveries.map((delivery) => delivery.body)),
    );
    expect([...done].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('bounds an environment by its function’s memory, as Lambda does: over it, the invocation crashes', async () => {
    const environment = (megabytes: number) =>
      new WorkerEnvironment({
        functionName: 'test',
        moduleUrl: fixture('memory-hungry-function'),
        exportName: 'handler',
        env: { MEGABYTES: String(megabytes) },
        memorySize: 128,
      });
    const event = { Records: [] };
    const within = environment(32);
    const over = environment(512);
    try {
      await expect(within.invoke(event, Date.now() + 30_000)).resolves.toMatchObject({ response: { kept: 32 } });
      await expect(over.invoke(event, Date.now() + 30_000)).rejects.toBeInstanceOf(EnvironmentCrashed);
    } finally {
      await Promise.all([within.kill(), over.kill()]);
    }
  });
});

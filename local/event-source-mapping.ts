import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { BatchSummary } from '../lib/sqs/batch-summary.js';
import { BatchPoller } from './batch-poller.js';
import {
  EnvironmentCrashed,
  inProcessEnvironment,
  summaryOf,
  type ExecutionEnvironment,
  type InvocationAnswer,
  type SqsLambdaHandler,
} from './execution-environment.js';
import { failedIds, toRecord } from './lambda-sqs.js';

export type { SqsLambdaHandler };

interface MappingSettings {
  functionName: string;
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  /**
   * For tests: the longest a batch waits for its window, whatever `maximumBatchingWindowSeconds`
   * says (the shorter applies). The same messages are relayed; a batch that the longer window
   * would have filled further is invoked sooner and smaller.
   */
  maxBatchingWindowSeconds?: number;
  maximumConcurrency: number;
  reportBatchItemFailures: boolean;
  timeoutSeconds: number;
  /** Told about every invocation; the local runtime logs it, tests measure it. */
  onInvocation?: (invocation: Invocation) => void;
  /** Fault injection for soak tests: every N-th invocation, its environment dies at a random moment. */
  crashEvery?: number;
}

export type EventSourceMappingOptions = MappingSettings &
  (
    | {
        /** In-process: every slot calls this handler, in one module instance (contract tests). */
        handler: SqsLambdaHandler;
        environment?: never;
      }
    | {
        /** An execution environment of its own for each concurrent slot, as Lambda gives. */
        environment: (slot: number) => ExecutionEnvironment;
        handler?: never;
      }
  );

export interface Invocation {
  functionName: string;
  size: number;
  /** Milliseconds from the first message's receipt to the invocation. */
  waitedMs: number;
  startedAt: number;
  endedAt: number;
  /** Messages left on the queue to be retried, as Lambda sees it: the reported failures, or all. */
  failed: number;
  outcome: 'ok' | 'partial' | 'error' | 'timeout' | 'crashed' | 'invalid-response';
  error?: string;
  /** What the consumer did with the messages, when it published a batch summary. */
  summary?: BatchSummary;
}

type RunResult =
  { kind: 'answer'; answer: InvocationAnswer } | { kind: 'error' | 'timeout' | 'crashed'; error: string };

/**
 * Drives an SQS-triggered function as Lambda's event source mapping does: batches of up to
 * `batchSize` gathered within `maximumBatchingWindow`, at most `maximumConcurrency` invocations
 * in flight (one per slot, each slot with its own execution environment), partial batch responses
 * honoured (only reported failures stay on the queue; an invalid response, a throw, a timeout or
 * a crash fails the whole batch), and failed messages left for the queue's visibility timeout and
 * redrive policy to retry or dead-letter. A timed-out or crashed environment is replaced.
 */
export class EventSourceMapping {
  private running = false;
  private readonly poller: BatchPoller;
  private pollers: Promise<void>[] = [];
  private readonly environments: ExecutionEnvironment[];
  private invocations = 0;
  // Scales the moment of an injected crash to how long invocations take.
  private typicalMs = 100;

  constructor(private readonly options: EventSourceMappingOptions) {
    this.poller = new BatchPoller({
      ...options,
      maximumBatchingWindowSeconds: Math.min(
        options.maximumBatchingWindowSeconds,
        options.maxBatchingWindowSeconds ?? Infinity,
      ),
    });
    this.environments = Array.from({ length: options.maximumConcurrency }, (_, slot) =>
      options.environment ? options.environment(slot) : inProcessEnvironment(options.functionName, options.handler),
    );
  }

  /**
   * Starts the first slot's environment, so a function that cannot load fails the start, then polls.
   * The other slots start at their first batch, as Lambda's cold starts when it scales out.
   */
  async start(): Promise<void> {
    if (this.running) return;
    await this.environments[0]?.warm();
    this.running = true;
    this.pollers = this.environments.map((environment) => this.poll(environment));
  }

  /**
   * Stops polling; messages gathered for a batch not yet invoked go back on the queue; waits for
   * the invocations in flight to finish, then ends the environments.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.poller.stop();
    await Promise.all(this.pollers);
    await Promise.all(this.environments.map((environment) => environment.kill()));
  }

  private async poll(environment: ExecutionEnvironment): Promise<void> {
    while (this.running) {
      const batch = await this.poller.gather();
      if (batch.messages.length === 0) continue;
      try {
        if (this.running) await this.invoke(environment, batch.messages, batch.firstAt);
        else await this.poller.handBack(batch.messages);
      } catch (error) {
        // SQS hiccupped on a delete: those messages come back after their visibility timeout.
        process.stderr.write(
          `[${this.options.functionName}] ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
    }
  }

  private async invoke(environment: ExecutionEnvironment, messages: Message[], firstAt: number): Promise<void> {
    const { functionName, timeoutSeconds, queueArn, region, reportBatchItemFailures } = this.options;
    const startedAt = Date.now();
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, queueArn, region)) };
    const result = await this.run(environment, event, startedAt + timeoutSeconds * 1000, this.plannedCrash());
    const base = { functionName, size: messages.length, waitedMs: startedAt - firstAt, startedAt };
    if (result.kind !== 'answer') {
      this.report({ ...base, failed: messages.length, outcome: result.kind, error: result.error });
      return;
    }
    const summary = summaryOf(result.answer);
    const failed = failedIds(result.answer.response, messages, reportBatchItemFailures);
    if (failed === 'invalid') {
      this.report({ ...base, failed: messages.length, outcome: 'invalid-response', summary });
      return;
    }
    await this.poller.delete(messages.filter((message) => !failed.has(message.MessageId ?? '')));
    this.typicalMs = Math.round(0.8 * this.typicalMs + 0.2 * (Date.now() - startedAt));
    this.report({ ...base, failed: failed.size, outcome: failed.size > 0 ? 'partial' : 'ok', summary });
  }

  /** Runs one invocation against its deadline; a timeout or a crash kills the environment, as Lambda does. */
  private async run(
    environment: ExecutionEnvironment,
    event: SQSEvent,
    deadline: number,
    crashAfterMs: number | undefined,
  ): Promise<RunResult> {
    const timers: NodeJS.Timeout[] = [];
    const after = (ms: number, result: RunResult): Promise<RunResult> =>
      new Promise((resolve) => timers.push(setTimeout(() => resolve(result), ms)));
    const crash: RunResult = {
      kind: 'crashed',
      error: `its environment was terminated mid-invocation (a crash injected every ${this.options.crashEvery})`,
    };
    const invocation = environment.invoke(event, deadline).then(
      (answer): RunResult => ({ kind: 'answer', answer }),
      (error: unknown): RunResult => ({
        kind: error instanceof EnvironmentCrashed ? 'crashed' : 'error',
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    const contenders = [invocation, after(deadline - Date.now(), { kind: 'timeout', error: 'function timeout' })];
    if (crashAfterMs !== undefined) contenders.push(after(crashAfterMs, crash));
    try {
      let result = await Promise.race(contenders);
      // An injected crash discards an answer that came first: the environment died before returning it.
      if (crashAfterMs !== undefined && result.kind !== 'timeout') result = crash;
      if (result.kind === 'timeout' || result.kind === 'crashed') await environment.kill();
      return result;
    } finally {
      timers.forEach((timer) => clearTimeout(timer));
    }
  }

  private plannedCrash(): number | undefined {
    const every = this.options.crashEvery;
    this.invocations += 1;
    if (!every || this.invocations % every !== 0) return undefined;
    return Math.floor(Math.random() * this.typicalMs);
  }

  private report(invocation: Omit<Invocation, 'endedAt'>): void {
    this.options.onInvocation?.({ ...invocation, endedAt: Date.now() });
  }
}

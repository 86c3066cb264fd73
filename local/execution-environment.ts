import { Worker } from 'node:worker_threads';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { BatchSummary } from '../lib/sqs/batch-summary.js';
import { bundleFunction } from './function-bundle.js';
import type { FunctionWorkerData, InvokeMessage, WorkerMessage } from './function-worker.js';
import { lambdaContext } from './lambda-context.js';

export type SqsLambdaHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse | void | null | undefined>;

/** What an invocation gave back: the handler's response and the batch summaries its consumer published. */
export interface InvocationAnswer {
  response: unknown;
  summaries: BatchSummary[];
}

/** The batch summaries of one invocation (usually one), added up. */
export function summaryOf(answer: InvocationAnswer): BatchSummary | undefined {
  const [first, ...rest] = answer.summaries;
  if (!first) return undefined;
  return rest.reduce(
    (total, summary) => ({
      consumer: total.consumer,
      size: total.size + summary.size,
      processed: total.processed + summary.processed,
      retried: total.retried + summary.retried,
      deadLettered: total.deadLettered + summary.deadLettered,
    }),
    first,
  );
}

/**
 * Where a function runs, as Lambda's execution environment: one invocation at a time, killed on a
 * timeout and replaced by a fresh one (a cold start) for the next invocation.
 */
export interface ExecutionEnvironment {
  /** Starts the environment ahead of its first invocation; rejects when the function cannot load. */
  warm(): Promise<void>;
  /** Runs one invocation; rejects with the handler's error (its name kept), or with `EnvironmentCrashed`. */
  invoke(event: unknown, deadline: number): Promise<InvocationAnswer>;
  /** Ends the environment at once; the next invocation starts a fresh one. */
  kill(): Promise<void>;
}

/** The environment died during the invocation (an uncaught error, an exit, or a kill). */
export class EnvironmentCrashed extends Error {
  override readonly name = 'EnvironmentCrashed';
}

/**
 * Runs the handler in this thread, in the caller's module instance: concurrent invocations share
 * it, unlike Lambda. For tests of the event source mapping's own contract; it cannot be killed.
 */
export function inProcessEnvironment(functionName: string, handler: SqsLambdaHandler): ExecutionEnvironment {
  return {
    warm: () => Promise.resolve(),
    invoke: async (event, deadline) => ({
      response: await handler(event as SQSEvent, lambdaContext(functionName, deadline)),
      summaries: [],
    }),
    kill: () => Promise.resolve(),
  };
}

export interface WorkerEnvironmentOptions {
  functionName: string;
  /** The function module's file URL, and the handler's export name. */
  moduleUrl: string;
  exportName: string;
  /** Settings over this process's environment, which the worker copies when it starts. */
  env?: Record<string, string>;
  /**
   * Lambda's memory for the function (MB): the worker's heap may not grow past it, so a function
   * that would run out of memory in Lambda runs out here too, and V8 collects before it gets there.
   */
  memorySize?: number;
}

interface Pending {
  id: number;
  resolve(answer: InvocationAnswer): void;
  reject(error: Error): void;
}

/**
 * An execution environment in a worker thread of its own, so each concurrent slot of a function
 * has its own module instance and the slots spread over the machine's cores.
 */
export class WorkerEnvironment implements ExecutionEnvironment {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;
  private pending: Pending | undefined;
  private nextId = 0;
  // A kill during a cold start must stop the worker that start is about to create.
  private generation = 0;

  constructor(private readonly options: WorkerEnvironmentOptions) {}

  warm(): Promise<void> {
    return this.started().then(() => undefined);
  }

  async invoke(event: unknown, deadline: number): Promise<InvocationAnswer> {
    if (this.pending) throw new Error(`${this.options.functionName}: one invocation at a time per environment`);
    const worker = await this.started();
    const id = (this.nextId += 1);
    return new Promise<InvocationAnswer>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      worker.postMessage({ id, event, deadline } satisfies InvokeMessage);
    });
  }

  async kill(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.generation += 1;
    this.settle(new EnvironmentCrashed(`${this.options.functionName}: the execution environment was terminated`));
    await worker?.terminate();
  }

  private started(): Promise<Worker> {
    this.ready ??= this.spawn().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async spawn(): Promise<Worker> {
    const { functionName, moduleUrl, exportName, env } = this.options;
    const generation = this.generation;
    const bundle = await bundleFunction(moduleUrl);
    if (generation !== this.generation) throw new EnvironmentCrashed(`${functionName} was terminated while starting`);
    const worker = new Worker(new URL(bundle), {
      // Not this process's flags (e.g. `--import tsx`): the bundle is plain JavaScript.
      execArgv: [],
      workerData: { exportName, functionName } satisfies FunctionWorkerData,
      ...(this.options.memorySize ? { resourceLimits: { maxOldGenerationSizeMb: this.options.memorySize } } : {}),
      env: { ...process.env, ...env },
    });
    this.worker = worker;
    return new Promise<Worker>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            return resolve(worker);
          case 'answer':
            return this.settle(undefined, message.id, { response: message.response, summaries: message.summaries });
          case 'failure':
            return this.settle(Object.assign(new Error(message.message), { name: message.errorType }), message.id);
        }
      });
      // A worker that was killed or replaced has nothing left to settle.
      worker.on('error', (error) => {
        reject(new Error(`${functionName} could not start: ${error.message}`));
        if (this.worker === worker) this.settle(new EnvironmentCrashed(`${functionName} crashed: ${error.message}`));
      });
      worker.on('exit', (code) => {
        reject(new Error(`${functionName} exited (code ${code}) while starting`));
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.ready = undefined;
        this.settle(new EnvironmentCrashed(`${functionName}: the execution environment exited (code ${code})`));
      });
    });
  }

  /** Ends the invocation in progress (if `id` is given, only that one) with an error or an answer. */
  private settle(error: Error | undefined, id?: number, answer?: InvocationAnswer): void {
    const pending = this.pending;
    if (!pending || (id !== undefined && pending.id !== id)) return;
    this.pending = undefined;
    if (error) pending.reject(error);
    else if (answer) pending.resolve(answer);
  }
}

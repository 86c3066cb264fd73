/**
 * One Lambda execution environment in a worker thread. `WorkerEnvironment` starts the thread on a
 * bundle of the function module with this code (see function-bundle.ts), so the thread has its
 * own module instance — its own clients, caches and settings — and answers invocations one at a
 * time, as Lambda runs one invocation per environment. The main thread keeps the event source
 * mapping (polling, deleting, timeouts) and terminates this thread when an invocation times out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { onBatchSummary, type BatchSummary } from '../lib/sqs/batch-summary.js';
import { lambdaContext } from './lambda-context.js';

export interface FunctionWorkerData {
  exportName: string;
  functionName: string;
}

export interface InvokeMessage {
  id: number;
  event: unknown;
  /** Epoch ms by which the invocation must end (the function timeout). */
  deadline: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'answer'; id: number; response: unknown; summaries: BatchSummary[] }
  | { type: 'failure'; id: number; message: string; errorType: string };

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Serves the invocations the main thread posts, with the handler the function module exports.
 * Runs once the module has loaded (its cold start); a module that fails to load ends the thread.
 * @public called by the generated worker entry
 */
export function serveFunction(module: Record<string, unknown>): void {
  const port = parentPort;
  if (!port) throw new Error('serveFunction runs in a worker thread');
  const { exportName, functionName } = workerData as FunctionWorkerData;
  const handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`the module exports no function named ${exportName}`);
  const post = (message: WorkerMessage): void => port.postMessage(message);

  // The consumer publishes one summary per batch in this module instance, and only one invocation
  // runs here at a time: whatever is published meanwhile belongs to it.
  let summaries: BatchSummary[] = [];
  onBatchSummary((summary) => summaries.push(summary));

  const invoke = async ({ id, event, deadline }: InvokeMessage): Promise<WorkerMessage> => {
    summaries = [];
    try {
      const result = await (handler as Handler)(event, lambdaContext(functionName, deadline));
      // Lambda hands the handler's result back as JSON; so does this environment.
      const response = result === undefined ? undefined : (JSON.parse(JSON.stringify(result)) as unknown);
      return { type: 'answer', id, response, summaries };
    } catch (error) {
      // Lambda reports a handler's error by its name (`errorType`) and message.
      return error instanceof Error
        ? { type: 'failure', id, message: error.message, errorType: error.name }
        : { type: 'failure', id, message: String(error), errorType: 'Error' };
    }
  };
  port.on('message', (message: InvokeMessage) => void invoke(message).then(post));
  post({ type: 'ready' });
}

/** What one consumer invocation did with its messages, as an operator wants to read it. */
export interface BatchSummary {
  consumer: string;
  size: number;
  processed: number;
  retried: number;
  deadLettered: number;
}

type Listener = (summary: BatchSummary) => void;
const listeners = new Set<Listener>();

/**
 * Subscribes to every consumer's batch summaries in this module instance. Lambda has no
 * listener (the summary is logged); the local runtime listens to print a truthful line per batch,
 * since a dead-lettered message is a success in Lambda's partial-batch response.
 * @public used by the local runtime, outside the deployed code
 */
export function onBatchSummary(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function publishBatchSummary(summary: BatchSummary): void {
  for (const listener of listeners) listener(summary);
}

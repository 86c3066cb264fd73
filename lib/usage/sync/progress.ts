import { logger, metrics, MetricUnit } from '../../observability.js';
import { operatorReason } from '../../sqs/reason.js';
import { planSyncChunks, toChunkMessages, type UsageChunk } from './chunks.js';
import type { UsageSyncDeps } from './deps.js';
import { readChunkIds, totalCounts, WRITE_CHUNK_ID } from './runs.js';

/** How long a deferred chunk waits before it looks at the budget again: SQS's longest message delay. */
export const DEFER_SECONDS = 900;

/**
 * After a read-phase chunk: once every one has finished, plans the sync chunks from the rows per
 * bucket and enqueues them. The messages go out before the phase moves, so a crash in between
 * repeats the plan (the same chunks, which are idempotent) rather than losing it.
 */
export async function afterReadChunk(runId: string, deps: UsageSyncDeps): Promise<void> {
  const run = await deps.runs.get(runId);
  if (!run || run.phase !== 'read') return;
  const records = await deps.runs.chunks(runId, readChunkIds(run));
  if (records.some((record) => record === undefined)) return;
  const counts = totalCounts(records);
  if (counts.read > 0 && counts.invalid / counts.read > deps.config.maxInvalidRowShare) {
    const note =
      `${counts.invalid} of ${counts.read} export rows could not be read, more than the allowed ` +
      `${deps.config.maxInvalidRowShare * 100} %: check the export's columns (USAGE_SYNC_CONFIG.export)`;
    await deps.runs.mark(runId, 'failed', { note });
    logger.error('Usage run failed', { runId, invalid: counts.invalid, read: counts.read });
    return;
  }
  const bucketRows = records.flatMap((record) => (record?.bucketRows ? [record.bucketRows] : []));
  const chunks = planSyncChunks(runId, bucketRows, deps.config.usersPerChunk);
  await deps.queue.send(deps.usageQueueUrl, toChunkMessages(chunks));
  await deps.runs.advance(runId, 'read', 'sync', { syncChunks: chunks.map((chunk) => chunk.chunkId) });
  logger.info('Usage run read', { runId, rows: counts.read, invalid: counts.invalid, syncChunks: chunks.length });
}

/** After a sync chunk: once every one has finished, enqueues the write of the changed Accounts. */
export async function afterSyncChunk(runId: string, deps: UsageSyncDeps): Promise<void> {
  const run = await deps.runs.get(runId);
  if (!run || run.phase !== 'sync') return;
  const records = await deps.runs.chunks(runId, run.syncChunks);
  if (records.some((record) => record === undefined)) return;
  const write: UsageChunk = { type: 'usage.write', runId, chunkId: WRITE_CHUNK_ID };
  await deps.queue.send(deps.usageQueueUrl, toChunkMessages([write]));
  await deps.runs.advance(runId, 'sync', 'write');
}

/**
 * Whether the sync's share of the org's Salesforce budget is spent (the shared ledger, one
 * state-store read): if so the chunk is deferred, so tickets and terms keep the rest. Once
 * there is room again (or a probe is due), a deferred run says it is running again.
 */
export async function deferredForBudget(chunk: UsageChunk, deps: UsageSyncDeps): Promise<boolean> {
  const standing = await deps.salesforce.budget();
  if (standing.spendable) {
    const run = await deps.runs.get(chunk.runId);
    if (run?.status === 'deferred') await deps.runs.mark(chunk.runId, 'running', { note: '' });
    return false;
  }
  await deferChunk(chunk, deps, standing.reason ?? 'the Salesforce API budget is spent');
  return true;
}

/**
 * Puts the chunk back on the queue with the longest delay SQS allows (a new message: the wait
 * spends none of its deliveries) and says on the run why and until when it waits. The deferred
 * chunk resumes the run where it stopped.
 */
export async function deferChunk(chunk: UsageChunk, deps: UsageSyncDeps, reason: string): Promise<void> {
  const until = new Date(deps.now() + DEFER_SECONDS * 1000).toISOString();
  await deps.queue.send(deps.usageQueueUrl, toChunkMessages([chunk], DEFER_SECONDS));
  await deps.runs.mark(chunk.runId, 'deferred', {
    note: `${reason}; ${chunk.chunkId} waits until ${until}`,
    deferredUntil: until,
  });
  metrics.addMetric('UsageChunksDeferred', MetricUnit.Count, 1);
  logger.warn('Usage run deferred', { runId: chunk.runId, chunkId: chunk.chunkId, reason: operatorReason(reason) });
}

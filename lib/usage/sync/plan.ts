import { randomBytes } from 'node:crypto';
import { PermanentError } from '../../errors.js';
import { logger } from '../../observability.js';
import { listExportParts, UsageLocation } from '../source.js';
import { toChunkMessages, type UsageChunk } from './chunks.js';
import type { UsageSyncDeps } from './deps.js';
import type { UsageRun } from './runs.js';

// An HTTPS export is read this many pages per chunk (of 10,000 rows by default): well inside one invocation.
const PAGES_PER_CHUNK = 20;
// A run younger than this that has not finished keeps the next night from starting over it.
const RUN_OVERLAP_MS = 20 * 60 * 60 * 1000;

export interface PlanOptions {
  /** The instant the activity windows end at; default now. */
  asOf?: number;
  /** Start even though the latest run has not finished. */
  force?: boolean;
}

export type PlanResult = { started: UsageRun } | { skipped: string };

/**
 * Starts a night: one chunk reads the Accounts, one per export object partitions its rows; each
 * is a message on the usage queue. A run still going (or waiting for budget) is left to finish.
 */
export async function planUsageRun(deps: UsageSyncDeps, options: PlanOptions = {}): Promise<PlanResult> {
  const now = deps.now();
  const latest = await deps.runs.latest();
  if (
    !options.force &&
    latest &&
    (latest.status === 'running' || latest.status === 'deferred') &&
    now - Date.parse(latest.createdAt) < RUN_OVERLAP_MS
  )
    return { skipped: `run ${latest.runId} is still ${latest.status} (phase ${latest.phase})` };
  const asOf = options.asOf ?? now;
  const source = deps.source.replaceAll('{date}', new Date(asOf).toISOString().slice(0, 10));
  const location = UsageLocation.parse(source);
  const runId = `${new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-')}-${randomBytes(3).toString('hex')}`;
  const chunks: UsageChunk[] = [{ type: 'usage.accounts', runId, chunkId: 'accounts' }];
  if (location.kind === 'https') {
    chunks.push({ type: 'usage.pages', runId, chunkId: 'pages-0', url: location.url, pages: PAGES_PER_CHUNK });
  } else {
    const parts = await listExportParts(deps.s3, location);
    if (parts.length === 0)
      throw new PermanentError(`No export objects under ${source}: nothing to sync for this night`);
    parts.forEach((part, i) => chunks.push({ type: 'usage.partition', runId, chunkId: `part-${i}`, key: part.key }));
  }
  const run = await deps.runs.create({ runId, asOf, source, readChunks: chunks.map((chunk) => chunk.chunkId) });
  try {
    await deps.queue.send(deps.usageQueueUrl, toChunkMessages(chunks));
  } catch (error) {
    await deps.runs.mark(runId, 'failed', { note: `Its chunks could not be enqueued: ${(error as Error).message}` });
    throw error;
  }
  logger.info('Usage run planned', { runId, readChunks: chunks.length });
  return { started: run };
}

import { PermanentError } from '../../errors.js';
import { newReadStats, readUsageRows, type UsageRow } from '../rows.js';
import { fetchExportPage } from '../source.js';
import { toChunkMessages, type UsageChunk } from './chunks.js';
import type { UsageSyncDeps } from './deps.js';
import { afterReadChunk } from './progress.js';
import { stageRows } from './read-phase.js';
import { emptyCounts } from './runs.js';

/**
 * Reads up to `pages` pages of the app's HTTPS export into staging, then hands the rest to a
 * chunk of its own (added to the run first, so the read phase waits for it). The pages a chunk
 * read are fetched again if it is retried: a page URL carries its cursor, so it is the same page.
 */
export async function readExportPages(
  chunk: Extract<UsageChunk, { type: 'usage.pages' }>,
  deps: UsageSyncDeps,
): Promise<void> {
  const token = deps.exportToken;
  if (!token) throw new PermanentError('USAGE_EXPORT_TOKEN is not set: the app export needs its bearer token');
  const stats = newReadStats();
  let next: string | null = chunk.url;
  async function* rows(): AsyncGenerator<UsageRow> {
    for (let read = 0; read < chunk.pages && next !== null; read += 1) {
      const page = await fetchExportPage(next, token as string);
      next = page.next;
      yield* readUsageRows(page.body, deps.config.export, stats);
    }
  }
  const bucketRows = await stageRows(chunk, rows(), stats, deps);
  if (next !== null) {
    const sequence = Number(chunk.chunkId.slice('pages-'.length)) + 1;
    const rest: UsageChunk = { ...chunk, chunkId: `pages-${sequence}`, url: next };
    await deps.runs.addReadChunk(chunk.runId, rest.chunkId);
    await deps.queue.send(deps.usageQueueUrl, toChunkMessages([rest]));
  }
  await deps.runs.finishChunk(chunk.runId, {
    chunkId: chunk.chunkId,
    counts: { ...emptyCounts(), read: stats.rows, invalid: stats.invalid },
    bucketRows,
  });
  await afterReadChunk(chunk.runId, deps);
}

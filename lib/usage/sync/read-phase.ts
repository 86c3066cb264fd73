import { forEachConcurrently } from '../../concurrency.js';
import { logger } from '../../observability.js';
import { operatorReason } from '../../sqs/reason.js';
import { newReadStats, readUsageRows, type ReadStats, type UsageRow } from '../rows.js';
import { openExportPart, UsageLocation } from '../source.js';
import { PermanentError } from '../../errors.js';
import { FINE_BUCKETS, fineBucket, type UsageChunk } from './chunks.js';
import type { UsageSyncDeps } from './deps.js';
import { afterReadChunk, deferredForBudget } from './progress.js';
import { emptyCounts } from './runs.js';

// S3 writes in flight at once: enough to hide latency, few enough for one Lambda's sockets.
const PARALLEL_WRITES = 16;

/** An Account as staged: its app id and the configured fields, as text or null. */
export interface StagedAccount {
  accountId: string;
  fields: Record<string, string | null>;
}

/**
 * Reads every Account with an app account id (SOQL for a small org, a Bulk API 2.0 query job
 * for a large one) into staging by fine bucket, so each sync chunk reads only its own accounts.
 */
export async function readAccounts(
  chunk: Extract<UsageChunk, { type: 'usage.accounts' }>,
  deps: UsageSyncDeps,
): Promise<void> {
  if (await deferredForBudget(chunk, deps)) return;
  const buckets: StagedAccount[][] = Array.from({ length: FINE_BUCKETS }, () => []);
  const fields = ['App_Account_Id__c', ...new Set([...deps.config.accountFields, deps.config.paying.field])];
  let read = 0;
  for await (const page of deps.salesforce.bulk.readRecords('Account', {
    fields,
    requireValue: ['App_Account_Id__c'],
  })) {
    for (const record of page.records) {
      const accountId = record.App_Account_Id__c;
      if (!accountId) continue;
      buckets[fineBucket(accountId)]?.push({ accountId, fields: record });
      read += 1;
    }
  }
  const staging = deps.staging(chunk.runId);
  await forEachConcurrently(buckets, PARALLEL_WRITES, (accounts, bucket) =>
    staging.write(staging.accountsKey(bucket), accounts),
  );
  // `read` counts export rows, the run's users: the Accounts are not among them.
  await deps.runs.finishChunk(chunk.runId, { chunkId: chunk.chunkId, counts: emptyCounts() });
  logger.info('Usage run Accounts read', { runId: chunk.runId, accounts: read });
  await afterReadChunk(chunk.runId, deps);
}

/** Reads one export object and stages its rows by fine bucket (a retry overwrites the same objects). */
export async function partitionExport(
  chunk: Extract<UsageChunk, { type: 'usage.partition' }>,
  deps: UsageSyncDeps,
): Promise<void> {
  const run = await deps.runs.get(chunk.runId);
  if (!run) throw new Error(`Usage run ${chunk.runId} is not in the state store`);
  const location = UsageLocation.parse(run.source);
  if (location.kind !== 's3') throw new PermanentError(`Run ${run.runId} reads ${run.source}, which is not on S3`);
  const stats = newReadStats();
  const body = await openExportPart(deps.s3, location, chunk.key);
  const bucketRows = await stageRows(chunk, readUsageRows(body, deps.config.export, stats), stats, deps);
  await deps.runs.finishChunk(chunk.runId, {
    chunkId: chunk.chunkId,
    counts: { ...emptyCounts(), read: stats.rows, invalid: stats.invalid },
    bucketRows,
  });
  await afterReadChunk(chunk.runId, deps);
}

/**
 * Stages a read chunk's rows by fine bucket, one object per bucket with rows (a retry overwrites
 * them), and logs refused rows by number and reason; returns the rows per bucket.
 */
export async function stageRows(
  chunk: { runId: string; chunkId: string },
  rows: AsyncIterable<UsageRow>,
  stats: ReadStats,
  deps: UsageSyncDeps,
): Promise<number[]> {
  const buckets: UsageRow[][] = Array.from({ length: FINE_BUCKETS }, () => []);
  for await (const row of rows) buckets[fineBucket(row.accountId)]?.push(row);
  const staging = deps.staging(chunk.runId);
  await forEachConcurrently(buckets, PARALLEL_WRITES, (bucketRows, bucket) =>
    bucketRows.length > 0 ? staging.write(staging.rowsKey(bucket, chunk.chunkId), bucketRows) : Promise.resolve(),
  );
  if (stats.invalid > 0)
    logger.warn('Usage export rows refused', {
      runId: chunk.runId,
      chunkId: chunk.chunkId,
      invalid: stats.invalid,
      samples: stats.samples.slice(0, 5).map((sample) => ({ row: sample.row, reason: operatorReason(sample.reason) })),
    });
  return buckets.map((bucketRows) => bucketRows.length);
}

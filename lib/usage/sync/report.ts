import { readChunkIds, totalCounts, type ChunkRecord, type UsageRun } from './runs.js';

/**
 * How far a run is, in chunks: the read chunks, the sync chunks (one estimate per read chunk until
 * they are planned) and the write.
 */
export function runProgress(
  run: UsageRun,
  records: ReadonlyArray<ChunkRecord | undefined>,
): { done: number; total: number } {
  const read = readChunkIds(run).length;
  const planned = read + (run.syncChunks.length || read) + 1;
  return { done: records.filter(Boolean).length, total: Math.max(planned, records.length) };
}

/** A run for people (a few lines) and for scripts (JSON), with its counts summed over its chunks. */
export function describeRun(
  run: UsageRun,
  records: ReadonlyArray<ChunkRecord | undefined>,
): { text: string; json: Record<string, unknown> } {
  const counts = totalCounts(records);
  const finished = records.filter(Boolean).length;
  const json = {
    runId: run.runId,
    status: run.status,
    phase: run.phase,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    asOf: new Date(run.asOf).toISOString(),
    chunks: { finished, read: readChunkIds(run).length, sync: run.syncChunks.length },
    counts,
    ...(run.note ? { note: run.note } : {}),
    ...(run.deferredUntil && run.status === 'deferred' ? { deferredUntil: run.deferredUntil } : {}),
    failures: run.failures,
  };
  const lines = [
    `Run ${run.runId}: ${run.status} (phase ${run.phase})`,
    `  as of       ${json.asOf}; started ${run.createdAt}, last change ${run.updatedAt}`,
    `  chunks      ${finished} finished of ${json.chunks.read} read + ${run.syncChunks.length} sync + 1 write`,
    `  users       ${counts.read} read from the export, ${counts.invalid} rows refused`,
    `  changed     ${counts.changed} updates (${counts.skipped} profiles unchanged, not sent)`,
    `  written     ${counts.written} (Mixpanel updates enqueued, Accounts written), ${counts.failed} Accounts refused`,
    ...(run.note ? [`  note        ${run.note}`] : []),
    ...run.failures.map((failure) => `  refused     ${failure.accountId}: ${failure.reason}`),
  ];
  return { text: `${lines.join('\n')}\n`, json };
}

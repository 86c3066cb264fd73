import { createHash } from 'node:crypto';
import * as z from '../../zod-mini.js';
import type { OutgoingMessage } from '../../clients/queue-gateway.js';

/**
 * Accounts are spread over this many fine buckets by a hash of their id, so that every user of an
 * account lands in the same bucket and a sync chunk (a run of buckets) sees whole accounts.
 */
export const FINE_BUCKETS = 128;

export function fineBucket(accountId: string): number {
  return createHash('sha256').update(accountId).digest().readUInt32BE(0) % FINE_BUCKETS;
}

const RunId = z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/));
const ChunkId = z.string().check(z.regex(/^[a-z0-9-]{1,64}$/));

/** One unit of a night on the usage queue: one consumer invocation, retried alone when it fails. */
export const UsageChunk = z.discriminatedUnion('type', [
  /** Reads the Accounts from Salesforce into staging, by fine bucket. */
  z.object({ type: z.literal('usage.accounts'), runId: RunId, chunkId: ChunkId }),
  /** Splits one export object into staging rows by fine bucket. */
  z.object({
    type: z.literal('usage.partition'),
    runId: RunId,
    chunkId: ChunkId,
    key: z.string().check(z.minLength(1)),
  }),
  /**
   * Reads the app's HTTPS export from `url` for up to `pages` pages into staging rows, then
   * continues in a chunk of its own from where it stopped.
   */
  z.object({
    type: z.literal('usage.pages'),
    runId: RunId,
    chunkId: ChunkId,
    url: z.url(),
    pages: z.number().check(z.int(), z.positive()),
  }),
  /** Diffs and sends fine buckets `from` ≤ b < `to`. */
  z.object({
    type: z.literal('usage.sync'),
    runId: RunId,
    chunkId: ChunkId,
    from: z.number().check(z.int(), z.minimum(0)),
    to: z.number().check(z.int(), z.maximum(FINE_BUCKETS)),
  }),
  /** Writes the night's changed Accounts to Salesforce. */
  z.object({ type: z.literal('usage.write'), runId: RunId, chunkId: ChunkId }),
]);
export type UsageChunk = z.infer<typeof UsageChunk>;

/** Chunks as queue messages, tagged so a dead-lettered one says which run and chunk it was. */
export function toChunkMessages(chunks: readonly UsageChunk[], delaySeconds?: number): OutgoingMessage[] {
  return chunks.map((chunk) => ({
    body: JSON.stringify(chunk),
    attributes: { intent: chunk.type, run_id: chunk.runId, chunk_id: chunk.chunkId },
    ...(delaySeconds ? { delaySeconds } : {}),
  }));
}

/**
 * Groups the fine buckets into runs of about `usersPerChunk` users each from the partition
 * chunks' row counts; a bucket larger than that is a chunk of its own, and empty buckets ride
 * along with their neighbours.
 */
export function planSyncChunks(
  runId: string,
  bucketRows: ReadonlyArray<readonly number[]>,
  usersPerChunk: number,
): Array<Extract<UsageChunk, { type: 'usage.sync' }>> {
  const rows = Array.from({ length: FINE_BUCKETS }, (_, b) =>
    bucketRows.reduce((sum, counts) => sum + (counts[b] ?? 0), 0),
  );
  const chunks: Array<Extract<UsageChunk, { type: 'usage.sync' }>> = [];
  let from = 0;
  let users = 0;
  for (let b = 0; b < FINE_BUCKETS; b += 1) {
    const bucketUsers = rows[b] ?? 0;
    if (users > 0 && users + bucketUsers > usersPerChunk) {
      chunks.push({ type: 'usage.sync', runId, chunkId: `sync-${chunks.length}`, from, to: b });
      from = b;
      users = 0;
    }
    users += bucketUsers;
  }
  chunks.push({ type: 'usage.sync', runId, chunkId: `sync-${chunks.length}`, from, to: FINE_BUCKETS });
  return chunks;
}

import { setTimeout as delay } from 'node:timers/promises';
import * as z from '../../zod-mini.js';
import { RetryableError } from '../../errors.js';
import { logger } from '../../observability.js';
import type { SalesforceSession } from './session.js';

/**
 * How Bulk API 2.0 jobs are waited for: status polls from `pollInitialMs`, doubling up to
 * `pollMaxMs`, until `timeoutMs` has passed. Jobs take seconds to minutes, and every poll is an API
 * call, so the interval grows instead of staying short.
 */
export const BulkPolling = z.object({
  pollInitialMs: z._default(z.number().check(z.int(), z.nonnegative()), 1_000),
  pollMaxMs: z._default(z.number().check(z.int(), z.nonnegative()), 30_000),
  timeoutMs: z._default(z.number().check(z.int(), z.positive()), 10 * 60_000),
});
export type BulkPolling = z.input<typeof BulkPolling>;

/** What the job status resources report, for ingest (`/jobs/ingest/{id}`) and query (`/jobs/query/{id}`) jobs. */
export interface BulkJobInfo {
  id: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  errorMessage?: string;
}

/** Waiting and the clock, injected so tests need not sleep. */
export interface JobClock {
  sleep(ms: number): Promise<void>;
  now(): number;
}

export const systemClock: JobClock = { sleep: (ms) => delay(ms), now: () => Date.now() };

const FINISHED = new Set<BulkJobInfo['state']>(['JobComplete', 'Failed', 'Aborted']);

/**
 * Polls a job (`path` such as `/jobs/query/750…`) until it is JobComplete, Failed or Aborted, and
 * returns that status. A job still running at the timeout is a RetryableError; the caller closes it.
 */
export async function waitForJob(
  session: SalesforceSession,
  path: string,
  polling: BulkPolling,
  clock: JobClock,
): Promise<BulkJobInfo> {
  const { pollInitialMs, pollMaxMs, timeoutMs } = BulkPolling.parse(polling);
  const deadline = clock.now() + timeoutMs;
  let wait = pollInitialMs;
  for (;;) {
    const info = await session.request<BulkJobInfo>({ method: 'GET', url: path });
    if (FINISHED.has(info.state)) return info;
    if (clock.now() + wait > deadline)
      throw new RetryableError(`Salesforce Bulk API job ${info.id} was still ${info.state} after ${timeoutMs} ms`);
    await clock.sleep(wait);
    wait = Math.min(Math.max(wait * 2, 1), pollMaxMs);
  }
}

/**
 * Leaves no job behind: an unfinished job is aborted, then the job is deleted (its results too).
 * Best effort: a failure here is logged, never allowed to hide the outcome the caller reports.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm ("close or abort")
 */
export async function closeJob(session: SalesforceSession, path: string, finished: boolean): Promise<void> {
  try {
    if (!finished)
      await session.request({
        method: 'PATCH',
        url: path,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ state: 'Aborted' }),
      });
  } catch (error) {
    // A job that finished meanwhile cannot be aborted; deleting it is still right.
    logger.warn('Salesforce Bulk API job could not be aborted', { path, error: (error as Error).message });
  }
  try {
    await session.request({ method: 'DELETE', url: path });
  } catch (error) {
    logger.warn('Salesforce Bulk API job could not be deleted', { path, error: (error as Error).message });
  }
}

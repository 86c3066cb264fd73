import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import * as z from '../../zod-mini.js';
import type { ExportPage, ZendeskGateway, ZendeskTicketRecord } from '../../clients/zendesk/gateway.js';
import { PermanentError, RetryableError } from '../../errors.js';
import { BACKOFF as BACKOFF_BY_API, retryDelaySeconds } from '../../sqs/backoff.js';
import { chooseStart, type SavedCursorChoice } from './start.js';

/**
 * Zendesk allows 10 incremental export requests a minute
 * (api-reference/ticketing/ticket-management/incremental_exports).
 */
export const DEFAULT_MIN_INTERVAL_MS = 6_000;
export const DEFAULT_MAX_RETRIES = 6;
/** Back-off when a retryable failure names no `Retry-After`: 2 s doubling to 60 s, with jitter. */
const BACKOFF = { ...BACKOFF_BY_API.zendesk, maxSeconds: 60 };

export interface BackfillProgress {
  pages: number;
  tickets: number;
  cursor: string | null;
  done: boolean;
}

export interface BackfillOptions {
  zendesk: ZendeskGateway;
  /** Where the cursor is kept between runs (a JSON file path); resumable after a crash or Ctrl-C. */
  stateFile: string;
  /**
   * Unix seconds: where the export starts when no cursor is saved. Given with a cursor saved from
   * another start time, the run is refused unless `savedCursor` says which one wins.
   */
  startTime?: number;
  /** `resume` continues from the saved cursor; `restart` replaces it and starts again from `startTime`. */
  savedCursor?: SavedCursorChoice;
  /**
   * Handles one page (the CLI maps tickets to intents and enqueues them); the cursor is saved only
   * after it resolves. A `RetryableError` from it is retried with the same page, and a crash before
   * the save re-delivers the page on the next run: delivery is at least once.
   */
  onPage(tickets: ZendeskTicketRecord[]): Promise<void>;
  /** Zendesk allows 10 export requests a minute: the minimum spacing between page requests (default 6,000 ms). */
  minIntervalMs?: number;
  onProgress?(progress: BackfillProgress): void;
  /** Stops cleanly between pages: the page in hand is handled and saved first. */
  signal?: AbortSignal;
  /** Injectable so tests don't wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable clock (epoch ms) for the request spacing; defaults to `Date.now`. */
  now?: () => number;
  /** On RetryableError: wait retryAfterSeconds (or back off) and retry the same page (default 6). */
  maxRetries?: number;
}

export interface BackfillResult {
  /** Pages fetched in this run. */
  pages: number;
  /** Tickets handed to `onPage` in this run. */
  tickets: number;
  /** The saved cursor: where the next run (or the next incremental sync) starts. */
  cursor: string | null;
  /** True when the export reached `end_of_stream`; false when stopped by the signal. */
  done: boolean;
}

/**
 * The state file: the cursor to resume from, when it was saved, the tickets delivered over all
 * runs, and the start time of the export (absent from files written before it was kept).
 */
export const BackfillState = z.object({
  cursor: z.nullable(z.string()),
  updatedAt: z.string(),
  tickets: z.number().check(z.int(), z.minimum(0)),
  startTime: z.optional(z.number().check(z.int())),
});
export type BackfillState = z.infer<typeof BackfillState>;

/**
 * Walks Zendesk's cursor-based incremental ticket export page by page until `end_of_stream`,
 * handing each page to `onPage` and saving the cursor atomically after it resolves, so a run
 * stopped anywhere resumes without losing or re-delivering a handled page. Requests are spaced by
 * `minIntervalMs`; a retryable failure waits `Retry-After` (or backs off) and retries the page.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const { signal } = options;
  // The default sleep ends early on abort, so Ctrl-C does not sit out a 60 s Retry-After.
  const sleep = options.sleep ?? ((ms: number) => delay(ms, undefined, { signal }).catch(() => undefined));
  const now = options.now ?? Date.now;
  const minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  const retry = {
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    sleep,
    aborted: () => signal?.aborted ?? false,
  };

  const start = chooseStart(await readState(options.stateFile), options, options.stateFile);
  let cursor = start.cursor;
  let total = start.tickets;
  // Where the export begins until a page hands over a cursor.
  const from = start.cursor === null ? { startTime: start.startTime } : { cursor: start.cursor };
  let pages = 0;
  let tickets = 0;
  let lastRequestAt: number | undefined;
  // The page in hand is always finished, abort or not: retries of `onPage` wait in full.
  const finishPage = { ...retry, sleep: options.sleep ?? ((ms: number) => delay(ms)), aborted: () => false };

  /** Waits out the spacing since the previous request, then fetches one page (undefined if aborted meanwhile). */
  const fetchPage = async (): Promise<ExportPage | undefined> => {
    if (lastRequestAt !== undefined) {
      const wait = lastRequestAt + minIntervalMs - now();
      if (wait > 0) await sleep(wait);
    }
    if (retry.aborted()) return undefined;
    lastRequestAt = now();
    return options.zendesk.exportTickets(cursor === null ? from : { cursor });
  };

  while (!retry.aborted()) {
    const page = await withRetries(fetchPage, retry);
    if (page === undefined) break;
    pages += 1;
    if (page.tickets.length > 0) await withRetries(() => options.onPage(page.tickets), finishPage);
    tickets += page.tickets.length;
    total += page.tickets.length;
    // An empty first page has no cursor to give; keep the one we have.
    cursor = page.afterCursor ?? cursor;
    await writeState(options.stateFile, {
      cursor,
      updatedAt: new Date(now()).toISOString(),
      tickets: total,
      startTime: start.startTime,
    });
    options.onProgress?.({ pages, tickets, cursor, done: page.endOfStream });
    if (page.endOfStream) return { pages, tickets, cursor, done: true };
    if (page.afterCursor === null) {
      throw new PermanentError('Zendesk returned a page without after_cursor before end_of_stream; cannot continue', {
        code: 'ZENDESK_NO_CURSOR',
      });
    }
  }
  return { pages, tickets, cursor, done: false };
}

interface RetryPolicy {
  maxRetries: number;
  sleep: (ms: number) => Promise<void>;
  aborted: () => boolean;
}

/**
 * Runs `step`, retrying a `RetryableError` up to `maxRetries` times after `Retry-After` (a floor)
 * or an exponential back-off; undefined when aborted while waiting.
 */
async function withRetries<T>(step: () => Promise<T | undefined>, policy: RetryPolicy): Promise<T | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof RetryableError) || attempt > policy.maxRetries) throw error;
      await policy.sleep(retryDelaySeconds(attempt, error.retryAfterSeconds, BACKOFF) * 1000);
      if (policy.aborted()) return undefined;
    }
  }
}

/** The saved state, or undefined when there is none yet; a corrupt file fails loudly rather than restarting. */
export async function readState(stateFile: string): Promise<BackfillState | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = BackfillState.safeParse(safeJson(text));
  if (!parsed.success)
    throw new Error(
      `Backfill state file ${stateFile} is not valid (${parsed.error.issues[0]?.message}); fix or delete it`,
    );
  return parsed.data;
}

/** Writes the state to a temporary file, flushes it, and renames it over the old one: never half-written. */
async function writeState(stateFile: string, state: BackfillState): Promise<void> {
  await mkdir(dirname(stateFile), { recursive: true });
  const temporary = `${stateFile}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, stateFile);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

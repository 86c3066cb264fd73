import type { BackfillProgress } from './runner.js';

/** Where progress goes: stderr, or anything with `write` (and `isTTY` when it is a terminal). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const BAR_WIDTH = 24;

/** `[#########...............]  38%` for a fraction in 0..1. */
export function progressBar(fraction: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}%`;
}

/**
 * A progress reporter for `runBackfill`'s `onProgress`: on a terminal one line rewritten in place
 * (a bar when `fraction` can tell how far along the export is, pages, tickets, tickets/s,
 * elapsed); elsewhere (logs, pipes) one plain line per page.
 */
export function createProgressRenderer(
  stream: ProgressStream = process.stderr,
  now: () => number = Date.now,
  fraction?: () => number | undefined,
): (progress: BackfillProgress) => void {
  const startedAt = now();
  return (progress) => {
    const seconds = Math.max(0, (now() - startedAt) / 1000);
    const rate = seconds > 0 ? progress.tickets / seconds : 0;
    const along = progress.done ? 1 : fraction?.();
    const bar = fraction === undefined || along === undefined ? '' : `${progressBar(along)} `;
    const counts = `${progress.pages} pages, ${progress.tickets} tickets, ${rate.toFixed(1)} tickets/s`;
    const line = `backfill: ${bar}${counts}, ${formatElapsed(seconds)}${progress.done ? ', done' : ''}`;
    if (stream.isTTY) stream.write(`\r${line}\u001b[K${progress.done ? '\n' : ''}`);
    else stream.write(`${line}\n`);
  };
}

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatElapsed(totalSeconds: number): string {
  const s = Math.floor(totalSeconds);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(s % 60)}` : `${minutes}:${pad(s % 60)}`;
}

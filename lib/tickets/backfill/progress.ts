import type { BackfillProgress } from './runner.js';

/** Where progress goes: stderr, or anything with `write` (and `isTTY` when it is a terminal). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * A progress reporter for `runBackfill`'s `onProgress`: on a terminal one line rewritten in place
 * (pages, tickets, tickets/s, elapsed); elsewhere (logs, pipes) one plain line per page.
 */
export function createProgressRenderer(
  stream: ProgressStream = process.stderr,
  now: () => number = Date.now,
): (progress: BackfillProgress) => void {
  const startedAt = now();
  return (progress) => {
    const seconds = Math.max(0, (now() - startedAt) / 1000);
    const rate = seconds > 0 ? progress.tickets / seconds : 0;
    const line = `backfill: ${progress.pages} pages, ${progress.tickets} tickets, ${rate.toFixed(1)} tickets/s, ${formatElapsed(seconds)}${progress.done ? ', done' : ''}`;
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

import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { csvRows } from '../csv.js';
import { UsageSource, type UsageColumns } from './config.js';

/** One user's row of the usage export, in the hub's terms. Times are epoch milliseconds. */
export interface UsageRow {
  userId: string;
  accountId: string;
  email: string | null;
  lastActiveAt: number | null;
  /** When the row itself changed, if the export says; else null. */
  updatedAt: number | null;
  counters: Record<string, number>;
}

/** What a read saw: rows read, rows refused, and the first few reasons (row numbers count data rows from 1). */
export interface ReadStats {
  rows: number;
  invalid: number;
  samples: Array<{ row: number; reason: string }>;
}

const MAX_SAMPLES = 20;

export const newReadStats = (): ReadStats => ({ rows: 0, invalid: 0, samples: [] });

/**
 * Reads a usage export from any byte stream (an S3 GetObject body, an HTTPS response, a file) one
 * row at a time, gunzipping when it starts with gzip's magic bytes (or always/never, as set).
 * A row that cannot be read (no user or account id, an unreadable time or counter) is counted in
 * `stats` with its reason and skipped, so one bad line does not stop a night's run; the caller
 * decides what share of refusals is too many.
 */
export async function* readUsageRows(
  input: AsyncIterable<unknown>,
  source: UsageSource,
  stats: ReadStats = newReadStats(),
): AsyncGenerator<UsageRow> {
  const { format, gzip, delimiter, columns } = UsageSource.parse(source);
  const text = decode(await inflated(input, gzip));
  const records = format === 'ndjson' ? ndjsonRecords(text) : csvRecords(text, delimiter);
  for await (const record of records) {
    stats.rows += 1;
    const row = record instanceof Error ? record : toUsageRow(record, columns);
    if (row instanceof Error) {
      stats.invalid += 1;
      if (stats.samples.length < MAX_SAMPLES) stats.samples.push({ row: stats.rows, reason: row.message });
      continue;
    }
    yield row;
  }
}

/** The byte stream, through gunzip when it is gzipped; the first chunk is peeked at, not consumed. */
async function inflated(input: AsyncIterable<unknown>, gzip: 'auto' | 'always' | 'never'): Promise<Readable> {
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : toBuffer(first.value);
  async function* bytes(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield toBuffer(next.value);
  }
  const raw = Readable.from(bytes());
  const zipped = gzip === 'always' || (gzip === 'auto' && head[0] === 0x1f && head[1] === 0x8b);
  // pipeline() destroys both streams on an error in either, so a broken source fails the read.
  return zipped ? pipeline(raw, createGunzip(), () => undefined) : raw;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk));
}

/** UTF-8 text chunks; a character split across chunks is kept whole. */
async function* decode(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of bytes) yield decoder.write(chunk);
  const rest = decoder.end();
  if (rest) yield rest;
}

type RawRecord = Record<string, unknown>;

async function* ndjsonRecords(text: AsyncIterable<string>): AsyncGenerator<RawRecord | Error> {
  let carry = '';
  for await (const chunk of text) {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) yield parseLine(line);
  }
  if (carry.trim()) yield parseLine(carry);
}

function parseLine(line: string): RawRecord | Error {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as RawRecord)
      : new Error('the line is not a JSON object');
  } catch {
    return new Error('the line is not valid JSON');
  }
}

async function* csvRecords(text: AsyncIterable<string>, delimiter: string): AsyncGenerator<RawRecord | Error> {
  let header: string[] | undefined;
  for await (const cells of csvRows(text, delimiter)) {
    if (!header) {
      header = cells.map((cell) => cell.trim());
      continue;
    }
    if (cells.length !== header.length) {
      yield new Error(`the row has ${cells.length} cells for ${header.length} columns`);
      continue;
    }
    const record: RawRecord = {};
    header.forEach((name, i) => (record[name] = cells[i]));
    yield record;
  }
}

/** A raw record mapped through the configured columns, or why it cannot be. */
function toUsageRow(record: RawRecord, columns: UsageColumns): UsageRow | Error {
  const userId = id(record[columns.userId]);
  if (!userId) return new Error(`${columns.userId} is missing`);
  const accountId = id(record[columns.accountId]);
  if (!accountId) return new Error(`${columns.accountId} is missing`);
  const lastActiveAt = time(record[columns.lastActiveAt]);
  if (lastActiveAt instanceof Error) return new Error(`${columns.lastActiveAt}: ${lastActiveAt.message}`);
  const updatedAt = columns.updatedAt === undefined ? null : time(record[columns.updatedAt]);
  if (updatedAt instanceof Error) return new Error(`${columns.updatedAt}: ${updatedAt.message}`);
  const counters: Record<string, number> = {};
  for (const [name, column] of Object.entries(columns.counters)) {
    const value = record[column];
    const number = value === undefined || value === null || value === '' ? 0 : Number(value);
    if (typeof value === 'boolean' || !Number.isFinite(number)) return new Error(`${column} is not a number`);
    counters[name] = number;
  }
  const email = record[columns.email];
  return {
    userId,
    accountId,
    email: typeof email === 'string' && email.trim() !== '' ? email.trim() : null,
    lastActiveAt,
    updatedAt,
    counters,
  };
}

/** An id as text: strings trimmed, whole numbers as digits (JSON exports often carry numeric ids). */
function id(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

// Epoch numbers below this are seconds (it is 1973 in milliseconds, 5138 in seconds).
const SECONDS_BELOW = 1e11;

/**
 * A time as epoch ms: ISO 8601 text (a zone is required: a bare local time is ambiguous), epoch
 * seconds or milliseconds as a number or digits; empty means never.
 */
function time(value: unknown): number | null | Error {
  if (value === undefined || value === null || value === '') return null;
  const digits = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined;
  const number = typeof value === 'number' ? value : digits;
  if (number !== undefined)
    return Number.isFinite(number) && number >= 0
      ? Math.round(number < SECONDS_BELOW ? number * 1000 : number)
      : new Error('not a time');
  if (typeof value !== 'string') return new Error('not a time');
  const text = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(text))
    return new Error(`not an ISO 8601 time with a zone: ${JSON.stringify(text.slice(0, 40))}`);
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text.replace(' ', 'T'));
  return Number.isNaN(ms) ? new Error(`not a time: ${JSON.stringify(text.slice(0, 40))}`) : ms;
}

import * as z from '../../zod-mini.js';
import { csvCell } from '../../csv.js';
import { PermanentError, RetryableError } from '../../errors.js';
import { asText } from '../../text.js';
import { BulkPolling, closeJob, waitForJob, type BulkJobInfo, type JobClock } from './bulk-jobs.js';
import type { UpsertOutcome } from './gateway.js';
import { mapIngestResults } from './ingest-results.js';
import type { SalesforceSession } from './session.js';
import { assertApiName } from './soql.js';

/**
 * Bulk API 2.0 ingest settings. A job takes at most 150 MB of base64-encoded CSV, about 100 MB of
 * text; `maxJobBytes` keeps each job's upload under that.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/upload_job_data.htm
 */
export const BulkIngestSettings = z.object({
  maxJobBytes: z._default(z.number().check(z.int(), z.positive()), 100 * 1024 * 1024),
  polling: z._default(BulkPolling, { pollInitialMs: 1_000, pollMaxMs: 30_000, timeoutMs: 600_000 }),
});
export type BulkIngestSettings = z.input<typeof BulkIngestSettings>;

/** A record ready to upload: its input position, external id and CSV cells by column. */
interface Row {
  position: number;
  key: string;
  /** CSV cell by column, keyed by the lower-case column name (API names ignore case). */
  cells: Map<string, { column: string; value: string }>;
  bytes: number;
}

/**
 * Upserts records by an external id through Bulk API 2.0 ingest jobs: CSV upload, UploadComplete,
 * polls with back-off, then the successful, failed and unprocessed results mapped back to every
 * input record. One outcome per record, in input order. A record that repeats an external id goes
 * into a later job (Salesforce fails rows that repeat an id within a job), so the last one wins.
 * `null` clears a field (`#N/A`); a field left out is left as it is; a lookup is set through its
 * parent's external id as `{ Account: { App_Account_Id__c: "acc_1" } }`. Every job is deleted
 * after its results are read, or aborted and deleted when something fails.
 */
export async function bulkUpsert(
  session: SalesforceSession,
  object: string,
  externalIdField: string,
  records: ReadonlyArray<Record<string, unknown>>,
  settings: BulkIngestSettings,
  clock: JobClock,
): Promise<UpsertOutcome[]> {
  const { maxJobBytes, polling } = BulkIngestSettings.parse(settings);
  try {
    assertApiName(object, 'object');
    assertApiName(externalIdField, 'external id field');
  } catch (error) {
    return new Array<UpsertOutcome>(records.length).fill(error as PermanentError);
  }
  const outcomes = new Array<UpsertOutcome>(records.length);
  const passes: Row[][] = [];
  const seen = new Map<string, number>();
  records.forEach((record, position) => {
    const row = toRow(record, position, object, externalIdField);
    if (row instanceof Error) {
      outcomes[position] = row;
      return;
    }
    const pass = seen.get(row.key.toLowerCase()) ?? 0;
    seen.set(row.key.toLowerCase(), pass + 1);
    (passes[pass] ??= []).push(row);
  });
  let stop: Error | undefined;
  for (const pass of passes) {
    for (const job of bySize(pass, maxJobBytes)) {
      const results =
        stop === undefined
          ? await runJob(session, object, externalIdField, job, polling, clock)
          : job.map(() => stop as Error);
      job.forEach((row, i) => (outcomes[row.position] = results[i] ?? new RetryableError('No Bulk API outcome')));
      const orgWide = results.find((r): r is Error => r instanceof Error && session.isOrgWide(r));
      if (orgWide) stop = orgWide;
    }
  }
  return outcomes;
}

/** One job: open, upload, close, wait, read the three result files, delete. Any failure on the way fails its rows. */
async function runJob(
  session: SalesforceSession,
  object: string,
  externalIdField: string,
  rows: Row[],
  polling: BulkPolling,
  clock: JobClock,
): Promise<UpsertOutcome[]> {
  let job: BulkJobInfo;
  try {
    job = await session.request<BulkJobInfo>({
      method: 'POST',
      url: '/jobs/ingest',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ object, operation: 'upsert', externalIdFieldName: externalIdField, lineEnding: 'LF' }),
    });
  } catch (error) {
    return rows.map(() => error as Error);
  }
  const path = `/jobs/ingest/${job.id}`;
  let finished = false;
  try {
    await session.request({
      method: 'PUT',
      url: `${path}/batches`,
      headers: { 'content-type': 'text/csv' },
      body: toCsv(rows, externalIdField),
    });
    await session.request({
      method: 'PATCH',
      url: path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'UploadComplete' }),
    });
    const done = await waitForJob(session, path, polling, clock);
    finished = true;
    const file = async (name: string): Promise<string> => {
      const { body } = await session.exchange<string>(
        { method: 'GET', url: `${path}/${name}`, headers: { accept: 'text/csv' } },
        { responseType: 'text/plain' },
      );
      return typeof body === 'string' ? body : '';
    };
    const files = {
      successful: await file('successfulResults'),
      failed: await file('failedResults'),
      unprocessed: await file('unprocessedrecords'),
    };
    return mapIngestResults(
      rows.map((row) => row.key),
      externalIdField,
      done,
      files,
    );
  } catch (error) {
    return rows.map(() => error as Error);
  } finally {
    await closeJob(session, path, finished);
  }
}

/** The record as CSV cells, or why it cannot be sent. */
function toRow(
  record: Record<string, unknown>,
  position: number,
  object: string,
  externalIdField: string,
): Row | PermanentError {
  const key = record[externalIdField];
  if (key === undefined || key === null || key === '')
    return new PermanentError(`${object}.${externalIdField} is missing: an upsert needs the external id`, {
      code: 'MISSING_ARGUMENT',
    });
  const cells: Row['cells'] = new Map();
  const set = (column: string, value: string): void => void cells.set(column.toLowerCase(), { column, value });
  for (const [name, value] of Object.entries(record)) {
    if (name === 'attributes' || value === undefined) continue;
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      // A lookup through the parent's external id: exactly one field, written as `Relationship.Field`.
      const entries = Object.entries(value as Record<string, unknown>).filter(([field]) => field !== 'attributes');
      const [only] = entries;
      if (entries.length !== 1 || only === undefined || only[1] === null || typeof only[1] === 'object')
        return new PermanentError(`${object}.${name} must name one parent external id field and its value`, {
          code: 'INVALID_RECORD',
        });
      set(`${name}.${only[0]}`, asText(only[1]));
      continue;
    }
    // Bulk API 2.0 ignores an empty cell; `#N/A` is how a field is set to null.
    set(name, value === null ? '#N/A' : value instanceof Date ? value.toISOString() : asText(value));
  }
  for (const { column } of cells.values()) {
    try {
      assertApiName(column, 'field');
    } catch (error) {
      return error as PermanentError;
    }
  }
  let bytes = 1;
  for (const { value } of cells.values()) bytes += Buffer.byteLength(csvCell(value)) + 1;
  return { position, key: asText(key), cells, bytes };
}

/** Splits rows into jobs whose upload stays under `maxBytes` (headers are small beside it). */
function bySize(rows: Row[], maxBytes: number): Row[][] {
  const jobs: Row[][] = [];
  let current: Row[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (current.length > 0 && bytes + row.bytes > maxBytes) {
      jobs.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += row.bytes;
  }
  if (current.length > 0) jobs.push(current);
  return jobs;
}

/** The upload: every column any row uses (external id first), one line per row, LF line endings. */
function toCsv(rows: Row[], externalIdField: string): string {
  const columns = new Map([[externalIdField.toLowerCase(), externalIdField]]);
  for (const row of rows) {
    for (const [lower, { column }] of row.cells) if (!columns.has(lower)) columns.set(lower, column);
  }
  const lines = [[...columns.values()].map((column) => csvCell(column)).join(',')];
  for (const row of rows)
    lines.push([...columns.keys()].map((lower) => csvCell(row.cells.get(lower)?.value ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}

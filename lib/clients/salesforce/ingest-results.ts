import { parseCsvText } from '../../csv.js';
import { PermanentError, RetryableError } from '../../errors.js';
import type { BulkJobInfo } from './bulk-jobs.js';
import type { UpsertOutcome } from './gateway.js';

/** The three result files of an ingest job, as CSV text. */
export interface IngestResultFiles {
  successful: string;
  failed: string;
  unprocessed: string;
}

/**
 * Maps an ingest job's result files back to the rows that were uploaded, by the external id (each
 * job holds one row per id; Bulk API 2.0 does not keep row order). Every row gets an outcome: its
 * success, its own error, "not processed" (retryable), or — when Salesforce names it in no file —
 * the job's failure, so no row is ever dropped silently.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_successful_results.htm
 */
export function mapIngestResults(
  keys: readonly string[],
  externalIdField: string,
  info: BulkJobInfo,
  files: IngestResultFiles,
): UpsertOutcome[] {
  const positions = new Map<string, number>();
  keys.forEach((key, i) => positions.set(key.toLowerCase(), i));
  const outcomes = new Array<UpsertOutcome | undefined>(keys.length);
  const place = (key: string | undefined, outcome: UpsertOutcome): void => {
    const at = key === undefined ? undefined : positions.get(key.toLowerCase());
    if (at !== undefined && outcomes[at] === undefined) outcomes[at] = outcome;
  };

  const ok = table(files.successful, externalIdField, info.id);
  for (const row of ok.rows) place(row[ok.key], { id: row[0] ?? '', created: row[1] === 'true' });
  const failed = table(files.failed, externalIdField, info.id);
  for (const row of failed.rows) place(row[failed.key], rowError(row[1] ?? ''));
  // Rows a failed job never reached share its failure; rows of an aborted job can simply be sent again.
  const missing = jobError(info);
  const notProcessed =
    info.state === 'Failed' ? missing : new RetryableError(`Salesforce did not process the row (job ${info.state})`);
  const unprocessed = table(files.unprocessed, externalIdField, info.id);
  for (const row of unprocessed.rows) place(row[unprocessed.key], notProcessed);
  return outcomes.map((outcome) => outcome ?? missing);
}

/** A result file as rows, and the column of the external id among the echoed upload columns. */
function table(csv: string, externalIdField: string, jobId: string): { key: number; rows: string[][] } {
  let rows: string[][];
  try {
    rows = parseCsvText(csv);
  } catch (error) {
    throw new RetryableError(
      `Salesforce Bulk API job ${jobId} sent an unreadable result file: ${(error as Error).message}`,
    );
  }
  const [header = [], ...data] = rows;
  const key = header.findIndex((column) => column.toLowerCase() === externalIdField.toLowerCase());
  return { key, rows: key < 0 ? [] : data };
}

/**
 * A failed row's `sf__Error` (`CODE:message:fields --`): a row lock is worth retrying, anything
 * else is the record's own fault.
 */
function rowError(text: string): Error {
  const code = /^([A-Z_]+):/.exec(text)?.[1] ?? 'SALESFORCE_REJECTED';
  if (code === 'UNABLE_TO_LOCK_ROW') return new RetryableError(`Salesforce could not lock the record: ${text}`);
  return new PermanentError(`Salesforce rejected the record: ${text}`, { code });
}

/** The outcome of a row no result file names: the job's own failure, permanent only when the upload was refused. */
function jobError(info: BulkJobInfo): Error {
  const detail = info.errorMessage ? `: ${info.errorMessage}` : '';
  if (info.state === 'Failed' && /^Invalid(Batch|Job)\b/.test(info.errorMessage ?? ''))
    return new PermanentError(`Salesforce Bulk API job ${info.id} failed${detail}`, { code: 'BULK_JOB_FAILED' });
  return new RetryableError(
    `Salesforce Bulk API job ${info.id} ended ${info.state} without a result for the row${detail}`,
  );
}

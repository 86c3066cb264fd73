import { parseCsvText } from '../../csv.js';
import { PermanentError, RetryableError } from '../../errors.js';
import { closeJob, waitForJob, type BulkJobInfo, type BulkPolling, type JobClock } from './bulk-jobs.js';
import type { SalesforceSession } from './session.js';

/** One set of query results: the CSV header (Salesforce's column names) and the rows, cells as text. */
export interface BulkResultSet {
  columns: string[];
  rows: string[][];
}

export interface BulkQueryOptions {
  operation?: 'query' | 'queryAll';
  /** Rows per result set (`maxRecords`), so one set fits in memory whatever the org's size. */
  pageSize: number;
  polling: BulkPolling;
  clock: JobClock;
}

/**
 * Runs a SOQL query as a Bulk API 2.0 query job and yields its results one set at a time:
 * create, poll with back-off until JobComplete, then `results?maxRecords=&locator=` until the
 * `Sforce-Locator` header says `null`. The job is deleted afterwards, or aborted and deleted when
 * anything fails or the caller stops early. Refused queries (GROUP BY, aggregates, OFFSET,
 * subqueries) fail as a PermanentError; a job that fails or outlives the timeout as a RetryableError.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
 */
export async function* bulkQuery(
  session: SalesforceSession,
  soql: string,
  options: BulkQueryOptions,
): AsyncGenerator<BulkResultSet> {
  const job = await session.request<BulkJobInfo>({
    method: 'POST',
    url: '/jobs/query',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ operation: options.operation ?? 'query', query: soql }),
  });
  const path = `/jobs/query/${job.id}`;
  let finished = false;
  try {
    const done = await waitForJob(session, path, options.polling, options.clock);
    finished = true;
    if (done.state !== 'JobComplete')
      throw new RetryableError(
        [`Salesforce Bulk API query job ${job.id} ended ${done.state}`, done.errorMessage].filter(Boolean).join(': '),
      );
    let locator: string | undefined;
    do {
      const params = new URLSearchParams({ maxRecords: String(options.pageSize) });
      if (locator) params.set('locator', locator);
      const { body, headers } = await session.exchange<string>(
        { method: 'GET', url: `${path}/results?${params.toString()}`, headers: { accept: 'text/csv' } },
        { responseType: 'text/plain' },
      );
      const set = readResultSet(job.id, typeof body === 'string' ? body : '', headers['sforce-numberofrecords']);
      if (set.rows.length > 0) yield set;
      locator = headers['sforce-locator'];
    } while (locator && locator !== 'null');
  } finally {
    await closeJob(session, path, finished);
  }
}

/** Parses one result set and checks it against `Sforce-NumberOfRecords`, so a cut-off body is not taken as complete. */
function readResultSet(jobId: string, csv: string, announced: string | undefined): BulkResultSet {
  let parsed: string[][];
  try {
    parsed = parseCsvText(csv);
  } catch (error) {
    throw new RetryableError(`Salesforce Bulk API query job ${jobId} sent unreadable CSV: ${(error as Error).message}`);
  }
  const [columns = [], ...rows] = parsed;
  if (rows.some((row) => row.length !== columns.length))
    throw new PermanentError(`Salesforce Bulk API query job ${jobId} sent rows that do not match its header`, {
      code: 'BULK_RESULT_SHAPE',
    });
  if (announced !== undefined && Number(announced) !== rows.length)
    throw new RetryableError(
      `Salesforce Bulk API query job ${jobId} announced ${announced} records in a result set and sent ${rows.length}`,
    );
  return { columns, rows };
}

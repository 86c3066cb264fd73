import { z } from 'zod';
import type { RouteHandler, Router, SandboxRequest, SandboxResponse } from '../../common/router.js';
import { NewQueryJob, refusedInBulk, type QueryJob } from '../bulk/query-jobs.js';
import { restError } from '../errors.js';
import { apiVersion } from '../limits.js';
import type { SalesforceOrg } from '../org.js';
import { formatSoqlError, SoqlError } from '../soql/parser.js';
import { notFound, readJson } from './common.js';

const PATH = '/services/data/:version/jobs/query';

const Abort = z.object({ state: z.literal('Aborted') });

const invalidJob = (detail: string): SandboxResponse => restError(400, 'INVALIDJOB', `InvalidJob : ${detail}`);
// (unverified) wording of the job-state errors, as for ingest jobs.
const invalidState = (job: QueryJob, action: string): SandboxResponse =>
  restError(400, 'INVALIDJOBSTATE', `InvalidJobState : ${action} is not allowed for a job in state ${job.state}`);

/**
 * Job information: the create and abort answers (`short`) and the status answer (`full`), with the
 * fields in the order of "Get Information About a Query Job".
 */
function jobInfo(org: SalesforceOrg, job: QueryJob, view: 'short' | 'full'): Record<string, unknown> {
  const head = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: org.users[0]?.id,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
  };
  const format = { lineEnding: job.lineEnding, columnDelimiter: job.columnDelimiter };
  if (view === 'short') return { ...head, ...format };
  return {
    ...head,
    jobType: 'V2Query',
    ...format,
    numberRecordsProcessed: job.state === 'JobComplete' ? job.rows.length : 0,
    retries: 0,
    totalProcessingTime: 0,
    isPkChunkingSupported: true,
  };
}

/** A positive whole number from the query string, or undefined when absent; NaN when malformed. */
function positiveInt(value: string | null): number | undefined {
  if (value === null) return undefined;
  return /^[1-9]\d*$/.test(value) ? Number(value) : Number.NaN;
}

/** Bulk API 2.0 query: create (runs the SOQL), poll, paged CSV results, abort, list and delete. */
export function bulkQueryRoutes(
  router: Router,
  org: SalesforceOrg,
  wrap: (handler: RouteHandler) => RouteHandler,
): void {
  const withJob = (handler: (job: QueryJob, req: SandboxRequest) => SandboxResponse): RouteHandler =>
    wrap((req) => {
      const job = org.queryJobs.get(req.params.id ?? '');
      return job ? handler(job, req) : notFound();
    });

  router.add(
    'POST',
    PATH,
    'bulk2.query.create',
    wrap((req) => {
      const parsed = readJson(req);
      if ('response' in parsed) return parsed.response;
      const spec = NewQueryJob.safeParse(parsed.body);
      if (!spec.success)
        return invalidJob(spec.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      const refused = refusedInBulk(spec.data.query);
      if (refused) return restError(400, 'API_ERROR', refused);
      try {
        const job = org.queryJobs.create(spec.data, apiVersion(req.params.version));
        return { status: 200, body: jobInfo(org, job, 'short') };
      } catch (error) {
        // (unverified) the query is checked when the job is created, with the REST query's codes and caret text.
        if (error instanceof SoqlError) return restError(400, error.errorCode, formatSoqlError(spec.data.query, error));
        throw error;
      }
    }),
  );

  router.add(
    'GET',
    PATH,
    'bulk2.query.list',
    wrap(() => ({
      status: 200,
      body: { done: true, records: org.queryJobs.list().map((job) => jobInfo(org, job, 'full')), nextRecordsUrl: null },
    })),
  );

  router.add(
    'GET',
    `${PATH}/:id`,
    'bulk2.query.get',
    withJob((job) => {
      org.queryJobs.poll(job);
      return { status: 200, body: jobInfo(org, job, 'full') };
    }),
  );

  router.add(
    'GET',
    `${PATH}/:id/results`,
    'bulk2.query.results',
    withJob((job, req) => {
      // "Use the same API version to get query results that you used to create the query. Otherwise, the call
      // returns a 409 error." (the body is unverified)
      if (apiVersion(req.params.version) !== job.apiVersion)
        return restError(409, 'API_ERROR', `The job was created with API version ${job.apiVersion.toFixed(1)}`);
      if (job.state !== 'JobComplete') return invalidState(job, 'Getting the results');
      const maxRecords = positiveInt(req.query.get('maxRecords'));
      if (Number.isNaN(maxRecords))
        return restError(400, 'INVALIDURL', 'maxRecords must be a positive integer (unverified wording)');
      const page = org.queryJobs.page(job, req.query.get('locator'), maxRecords);
      if (!page) return restError(400, 'INVALIDLOCATOR', 'Invalid locator (unverified wording)');
      return {
        status: 200,
        headers: {
          'content-type': 'text/csv',
          'Sforce-Locator': page.next,
          'Sforce-NumberOfRecords': String(page.count),
        },
        body: page.csv,
      };
    }),
  );

  router.add(
    'PATCH',
    `${PATH}/:id`,
    'bulk2.query.abort',
    withJob((job, req) => {
      const parsed = readJson(req);
      if ('response' in parsed) return parsed.response;
      if (!Abort.safeParse(parsed.body).success)
        return restError(400, 'INVALIDJOBSTATE', 'InvalidJobState : a query job can only be Aborted');
      if (job.state !== 'UploadComplete' && job.state !== 'InProgress') return invalidState(job, 'Aborting');
      org.queryJobs.abort(job);
      return { status: 200, body: jobInfo(org, job, 'short') };
    }),
  );

  router.add(
    'DELETE',
    `${PATH}/:id`,
    'bulk2.query.delete',
    withJob((job) => {
      if (job.state === 'InProgress') return invalidState(job, 'Deleting');
      org.queryJobs.delete(job);
      return { status: 204 };
    }),
  );
}

import { z } from 'zod';
import type { RouteHandler, Router, SandboxRequest, SandboxResponse } from '../../common/router.js';
import { NewIngestJob, type IngestJob } from '../bulk/jobs.js';
import { restError } from '../errors.js';
import { apiVersion } from '../limits.js';
import type { SalesforceOrg } from '../org.js';
import { notFound, objectFrom, readJson } from './common.js';

const PATH = '/services/data/:version/jobs/ingest';

const StateChange = z.object({ state: z.enum(['UploadComplete', 'Aborted']) });

// Bulk API 2.0 errors name the failing check in both the code and the message ("InvalidJob : …").
const invalidJob = (detail: string): SandboxResponse => restError(400, 'INVALIDJOB', `InvalidJob : ${detail}`);
const invalidState = (job: IngestJob, action: string): SandboxResponse =>
  restError(400, 'INVALIDJOBSTATE', `InvalidJobState : ${action} is not allowed for a job in state ${job.state}`);

/** Job information as the create (`open`), state-change and status (`full`) answers give it. */
function jobInfo(org: SalesforceOrg, job: IngestJob, view: 'open' | 'patch' | 'full'): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object.name,
    createdById: org.users[0]?.id,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    ...(job.key ? { externalIdFieldName: job.key.name } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
  };
  if (view === 'patch') return info;
  if (view === 'open') {
    const contentUrl = `services/data/v${job.apiVersion.toFixed(1)}/jobs/ingest/${job.id}/batches`;
    return { ...info, contentUrl, lineEnding: job.lineEnding, columnDelimiter: job.columnDelimiter };
  }
  const finished = job.state === 'JobComplete' || job.state === 'Failed';
  const failed = finished ? (job.results?.failed.length ?? 0) : 0;
  const processed = finished ? failed + (job.results?.successful.length ?? 0) : 0;
  return {
    ...info,
    jobType: 'V2Ingest',
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    numberRecordsProcessed: processed,
    numberRecordsFailed: failed,
    retries: 0,
    totalProcessingTime: 0,
    apiActiveProcessingTime: 0,
    apexProcessingTime: 0,
    ...(job.errorMessage && job.state === 'Failed' ? { errorMessage: job.errorMessage } : {}),
  };
}

/** Bulk API 2.0 ingest: create, upload CSV, close/abort, poll, result files, list and delete. */
export function bulkRoutes(router: Router, org: SalesforceOrg, wrap: (handler: RouteHandler) => RouteHandler): void {
  const withJob = (handler: (job: IngestJob, req: SandboxRequest) => SandboxResponse): RouteHandler =>
    wrap((req) => {
      const job = org.jobs.get(req.params.id ?? '');
      return job ? handler(job, req) : notFound();
    });

  router.add(
    'POST',
    PATH,
    'bulk2.ingest.create',
    wrap((req) => {
      const parsed = readJson(req);
      if ('response' in parsed) return parsed.response;
      const spec = NewIngestJob.safeParse(parsed.body);
      if (!spec.success)
        return invalidJob(spec.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      const object = objectFrom(org, spec.data.object);
      if (!object) return invalidJob(`Unable to find object: ${spec.data.object}`);
      let key;
      if (spec.data.operation === 'upsert') {
        const name = spec.data.externalIdFieldName ?? '';
        key = object.field(name);
        if (!key?.externalId) {
          return invalidJob(
            `Field name provided, ${name} does not match an External ID, ` +
              `Salesforce Id, or indexed field for ${object.name}`,
          );
        }
      }
      const job = org.jobs.create(spec.data, object, key, apiVersion(req.params.version));
      return { status: 200, body: jobInfo(org, job, 'open') };
    }),
  );

  router.add(
    'GET',
    PATH,
    'bulk2.ingest.list',
    wrap(() => {
      const records = org.jobs.list().map((job) => ({
        ...jobInfo(org, job, 'patch'),
        jobType: 'V2Ingest',
        lineEnding: job.lineEnding,
        columnDelimiter: job.columnDelimiter,
      }));
      return { status: 200, body: { done: true, records, nextRecordsUrl: null } };
    }),
  );

  router.add(
    'PUT',
    `${PATH}/:id/batches`,
    'bulk2.ingest.upload',
    withJob((job, req) => {
      if (job.state !== 'Open') return invalidState(job, 'Uploading data');
      job.uploads.push(req.text());
      return { status: 201 };
    }),
  );

  router.add(
    'PATCH',
    `${PATH}/:id`,
    'bulk2.ingest.state',
    withJob((job, req) => {
      const parsed = readJson(req);
      if ('response' in parsed) return parsed.response;
      const change = StateChange.safeParse(parsed.body);
      if (!change.success)
        return restError(400, 'INVALIDJOBSTATE', 'InvalidJobState : state must be UploadComplete or Aborted');
      const closing = change.data.state === 'UploadComplete';
      const allowed = closing ? job.state === 'Open' : ['Open', 'UploadComplete', 'InProgress'].includes(job.state);
      if (!allowed) return invalidState(job, `Changing the state to ${change.data.state}`);
      if (closing) org.jobs.close(job);
      else org.jobs.abort(job);
      return { status: 200, body: jobInfo(org, job, 'patch') };
    }),
  );

  router.add(
    'GET',
    `${PATH}/:id`,
    'bulk2.ingest.get',
    withJob((job) => {
      org.jobs.poll(job);
      return { status: 200, body: jobInfo(org, job, 'full') };
    }),
  );

  router.add(
    'DELETE',
    `${PATH}/:id`,
    'bulk2.ingest.delete',
    withJob((job) => {
      if (!['UploadComplete', 'JobComplete', 'Aborted', 'Failed'].includes(job.state))
        return invalidState(job, 'Deleting');
      org.jobs.delete(job);
      return { status: 204 };
    }),
  );

  const csv = (kind: 'successful' | 'failed' | 'unprocessed'): RouteHandler =>
    withJob((job) => ({ status: 200, headers: { 'content-type': 'text/csv' }, body: org.jobs.resultCsv(job, kind) }));
  router.add('GET', `${PATH}/:id/successfulResults`, 'bulk2.ingest.successfulResults', csv('successful'));
  router.add('GET', `${PATH}/:id/failedResults`, 'bulk2.ingest.failedResults', csv('failed'));
  router.add('GET', `${PATH}/:id/unprocessedrecords`, 'bulk2.ingest.unprocessedRecords', csv('unprocessed'));
}

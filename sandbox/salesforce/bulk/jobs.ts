import { z } from 'zod';
import { formatDateTime, PREFIX } from '../ids.js';
import type { FieldDef, ObjectDef } from '../schema.js';
import { bare, DELIMITERS, parseCsv, quote, toCsv } from './csv.js';
import { processRows, unknownColumn, type BulkOrg, type IngestOperation, type ProcessedRows } from './process.js';

export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'Aborted' | 'JobComplete' | 'Failed';

/** The body of `POST /jobs/ingest`. */
export const NewIngestJob = z.object({
  object: z.string().min(1),
  operation: z.enum(['insert', 'update', 'upsert', 'delete', 'hardDelete']),
  externalIdFieldName: z.string().optional(),
  contentType: z.literal('CSV').default('CSV'),
  lineEnding: z.enum(['LF', 'CRLF']).default('LF'),
  columnDelimiter: z
    .enum(Object.keys(DELIMITERS) as [keyof typeof DELIMITERS, ...Array<keyof typeof DELIMITERS>])
    .default('COMMA'),
});

export interface IngestJob {
  id: string;
  object: ObjectDef;
  operation: IngestOperation;
  key?: FieldDef;
  lineEnding: 'LF' | 'CRLF';
  columnDelimiter: keyof typeof DELIMITERS;
  apiVersion: number;
  createdDate: string;
  systemModstamp: string;
  state: JobState;
  uploads: string[];
  header: string[];
  rows: string[][];
  results?: ProcessedRows;
  errorMessage?: string;
  pollsLeft: number;
}

// Salesforce counts a Bulk API 2.0 ingest job's data against DailyBulkApiBatches in chunks of 10,000 records.
const RECORDS_PER_BATCH = 10_000;

/** Bulk API 2.0 ingest jobs: Open → UploadComplete → InProgress → JobComplete (or Aborted/Failed). */
export class IngestJobs {
  private readonly jobs = new Map<string, IngestJob>();
  batchesUsed = 0;

  constructor(
    private readonly org: BulkOrg,
    private readonly pollsInProgress: number,
  ) {}

  create(
    spec: z.infer<typeof NewIngestJob>,
    object: ObjectDef,
    key: FieldDef | undefined,
    apiVersion: number,
  ): IngestJob {
    const now = formatDateTime(this.org.now());
    const job: IngestJob = {
      id: this.org.ids.next(PREFIX.ingestJob),
      object,
      operation: spec.operation,
      ...(key ? { key } : {}),
      lineEnding: spec.lineEnding,
      columnDelimiter: spec.columnDelimiter,
      apiVersion,
      createdDate: now,
      systemModstamp: now,
      state: 'Open',
      uploads: [],
      header: [],
      rows: [],
      pollsLeft: this.pollsInProgress,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  get(id: string): IngestJob | undefined {
    return this.jobs.get(id);
  }

  list(): IngestJob[] {
    return [...this.jobs.values()];
  }

  delete(job: IngestJob): void {
    this.jobs.delete(job.id);
  }

  /** UploadComplete: the uploaded rows are applied now; polls then see InProgress before JobComplete. */
  close(job: IngestJob): void {
    const delimiter = DELIMITERS[job.columnDelimiter];
    const [header = [], ...rows] = parseCsv(job.uploads.join(''), delimiter);
    job.header = header;
    job.rows = rows;
    this.touch(job, 'UploadComplete');
    const bad = unknownColumn(this.org, job.object, header);
    if (bad !== undefined) {
      job.errorMessage = `InvalidBatch : Field name not found : ${bad}`;
      job.results = { successful: [], failed: [] };
      return;
    }
    job.results = processRows(this.org, job.object, job.operation, job.key, header, rows);
    this.batchesUsed += Math.ceil(rows.length / RECORDS_PER_BATCH);
  }

  abort(job: IngestJob): void {
    const [header = [], ...rows] = parseCsv(job.uploads.join(''), DELIMITERS[job.columnDelimiter]);
    job.header = header;
    job.rows = rows;
    this.touch(job, 'Aborted');
  }

  /** A status check: a closed job reports InProgress for the configured number of polls. */
  poll(job: IngestJob): void {
    if (job.state !== 'UploadComplete' && job.state !== 'InProgress') return;
    if (job.pollsLeft > 0) {
      job.pollsLeft -= 1;
      this.touch(job, 'InProgress');
    } else this.touch(job, job.errorMessage ? 'Failed' : 'JobComplete');
  }

  clear(): void {
    this.jobs.clear();
    this.batchesUsed = 0;
  }

  /** The CSV of successful, failed or unprocessed records, with the documented leading columns. */
  resultCsv(job: IngestJob, kind: 'successful' | 'failed' | 'unprocessed'): string {
    const delimiter = DELIMITERS[job.columnDelimiter];
    const header = job.header.map((column) => bare(column, delimiter));
    const finished = job.state === 'JobComplete' || job.state === 'Failed';
    const results = finished ? job.results : undefined;
    let lines: string[][];
    if (kind === 'successful') {
      const rows = (results?.successful ?? []).map((r) => [
        quote(r.id),
        quote(String(r.created)),
        ...r.cells.map(quote),
      ]);
      lines = [[quote('sf__Id'), quote('sf__Created'), ...header], ...rows];
    } else if (kind === 'failed') {
      const rows = (results?.failed ?? []).map((r) => [quote(r.id), quote(r.error), ...r.cells.map(quote)]);
      lines = [[quote('sf__Id'), quote('sf__Error'), ...header], ...rows];
    } else {
      const untouched = job.state === 'Aborted' || job.errorMessage ? job.rows : [];
      lines = [header, ...untouched.map((cells) => cells.map(quote))];
    }
    return toCsv(lines, delimiter, job.lineEnding);
  }

  private touch(job: IngestJob, state: JobState): void {
    job.state = state;
    job.systemModstamp = formatDateTime(this.org.now());
  }
}

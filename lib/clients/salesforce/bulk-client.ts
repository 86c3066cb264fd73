import { systemClock, type JobClock } from './bulk-jobs.js';
import { bulkUpsert, type BulkIngestSettings } from './bulk-ingest.js';
import type { SalesforceGateway, UpsertOutcome } from './gateway.js';
import { readRecords, type ReadPage, type RecordReadSettings } from './record-reader.js';
import type { SalesforceSession } from './session.js';

/**
 * Up to this many records an upsert goes through sObject Collections (≤ 10 calls of 200); above
 * it through one Bulk API 2.0 ingest job, whose cost (nine or so calls: create, upload, close,
 * two or more polls, three result files, delete) no longer grows with the count. Salesforce's own guidance
 * puts the line at about 2,000 records.
 */
export const BULK_INGEST_THRESHOLD = 2_000;

/** What a nightly sync asks of Salesforce in volume. Handlers get a fake; the adapter is `SalesforceBulkClient`. */
export interface SalesforceBulkGateway {
  /** Every record of an object with the configured fields, page by page (SOQL or a Bulk API 2.0 query job). */
  readRecords(object: string, settings: RecordReadSettings): AsyncIterable<ReadPage>;
  /** Upserts by external id through Bulk API 2.0 ingest; one outcome per record, input order. */
  upsertBulk(
    object: string,
    externalIdField: string,
    records: ReadonlyArray<Record<string, unknown>>,
  ): Promise<UpsertOutcome[]>;
}

/**
 * Volume reads (SOQL paging, or Bulk API 2.0 query jobs for large results) and Bulk API 2.0 ingest
 * writes on a `SalesforceSession`; a `SalesforceClient` built on the same session shares its token
 * and its API-usage reading.
 */
export class SalesforceBulkClient implements SalesforceBulkGateway {
  constructor(
    private readonly session: SalesforceSession,
    private readonly options: { ingest?: BulkIngestSettings; clock?: JobClock } = {},
  ) {}

  readRecords(object: string, settings: RecordReadSettings): AsyncIterable<ReadPage> {
    return readRecords(this.session, object, settings, this.options.clock ?? systemClock);
  }

  /** Every Account with the configured fields (see `readRecords`). */
  readAccounts(settings: RecordReadSettings): AsyncIterable<ReadPage> {
    return this.readRecords('Account', settings);
  }

  upsertBulk(
    object: string,
    externalIdField: string,
    records: ReadonlyArray<Record<string, unknown>>,
  ): Promise<UpsertOutcome[]> {
    return bulkUpsert(
      this.session,
      object,
      externalIdField,
      records,
      this.options.ingest ?? {},
      this.options.clock ?? systemClock,
    );
  }
}

/**
 * Upserts through whichever API costs fewer calls for the count: collections up to `threshold`
 * records, a Bulk API 2.0 ingest job above it. One outcome per record, input order, either way.
 */
export function upsertByVolume(
  collections: Pick<SalesforceGateway, 'upsert'>,
  bulk: Pick<SalesforceBulkGateway, 'upsertBulk'>,
  object: string,
  externalIdField: string,
  records: ReadonlyArray<Record<string, unknown>>,
  threshold = BULK_INGEST_THRESHOLD,
): Promise<UpsertOutcome[]> {
  return records.length > threshold
    ? bulk.upsertBulk(object, externalIdField, records)
    : collections.upsert(object, externalIdField, records);
}

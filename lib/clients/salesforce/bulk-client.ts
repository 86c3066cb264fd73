import { systemClock, type JobClock } from './bulk-jobs.js';
import { readRecords, type ReadPage, type RecordReadSettings } from './record-reader.js';
import type { SalesforceSession } from './session.js';

/** What a nightly sync asks of Salesforce in volume. Handlers get a fake; the adapter is `SalesforceBulkClient`. */
export interface SalesforceBulkGateway {
  /** Every record of an object with the configured fields, page by page (SOQL or a Bulk API 2.0 query job). */
  readRecords(object: string, settings: RecordReadSettings): AsyncIterable<ReadPage>;
}

/**
 * Volume reads on a `SalesforceSession`: SOQL paging for small results, Bulk API 2.0 query jobs
 * for large ones.
 * @public Built by the usage planner and the usage consumer, which are not wired in yet.
 */
export class SalesforceBulkClient implements SalesforceBulkGateway {
  constructor(
    private readonly session: SalesforceSession,
    private readonly options: { clock?: JobClock } = {},
  ) {}

  readRecords(object: string, settings: RecordReadSettings): AsyncIterable<ReadPage> {
    return readRecords(this.session, object, settings, this.options.clock ?? systemClock);
  }

  /** Every Account with the configured fields (see `readRecords`). */
  readAccounts(settings: RecordReadSettings): AsyncIterable<ReadPage> {
    return this.readRecords('Account', settings);
  }
}

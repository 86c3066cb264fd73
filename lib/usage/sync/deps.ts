import type { S3Client } from '@aws-sdk/client-s3';
import type { QueueGateway } from '../../clients/queue-gateway.js';
import type { SalesforceBulkGateway } from '../../clients/salesforce/bulk-client.js';
import type { BudgetStanding } from '../../clients/salesforce/budget-ledger.js';
import type { SalesforceGateway } from '../../clients/salesforce/gateway.js';
import type { UsageSyncState } from '../sync-state.js';
import type { UsageRuns } from './runs.js';
import type { UsageSyncConfig } from './settings.js';
import type { RunStaging } from './staging.js';

/** Everything a night's chunks use, built once per container; tests pass fakes. */
export interface UsageSyncDeps {
  config: UsageSyncConfig;
  /** Where a night's export is: `s3://bucket/prefix/` (`{date}` is the run's UTC date) or the app's `https://` endpoint. */
  source: string;
  runs: UsageRuns;
  state: UsageSyncState;
  staging(runId: string): RunStaging;
  /** Reads the export objects (S3 source). */
  s3: S3Client;
  /** The app export's bearer token (HTTPS source). */
  exportToken?: string;
  queue: QueueGateway;
  usageQueueUrl: string;
  mixpanelQueueUrl: string;
  salesforce: {
    collections: Pick<SalesforceGateway, 'upsert'>;
    bulk: Pick<SalesforceBulkGateway, 'readRecords' | 'upsertBulk'>;
    /**
     * Where the org's shared API budget stands for the sync (one state-store read, no Salesforce
     * call): the run waits while the sync's share is spent, so tickets and terms get through.
     */
    budget(): Promise<BudgetStanding>;
  };
  now(): number;
}

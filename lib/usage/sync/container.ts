import * as z from '../../zod-mini.js';
import { SqsQueueGateway } from '../../clients/queue-gateway.js';
import { createS3Client } from '../../clients/s3.js';
import { SalesforceBulkClient } from '../../clients/salesforce/bulk-client.js';
import { SalesforceClient } from '../../clients/salesforce/client.js';
import { createBudgetLedger, loadSalesforceConfig } from '../../clients/salesforce/config.js';
import { SalesforceSession } from '../../clients/salesforce/session.js';
import { DynamoStateStore, stateStoreSettings } from '../../clients/state-store.js';
import { parseEnv, resolveSecrets, type ParameterReader } from '../../config.js';
import { UsageLocation } from '../source.js';
import { UsageSyncState } from '../sync-state.js';
import type { UsageSyncDeps } from './deps.js';
import { UsageRuns } from './runs.js';
import { loadUsageSyncConfig } from './settings.js';
import { RunStaging } from './staging.js';

/** What the usage planner and consumer read from their environment. */
export const usageSyncSettings = {
  ...stateStoreSettings,
  SQS_ENDPOINT: z.optional(z.url()),
  /** The local S3 (fauxqs, on the SQS endpoint); absent in AWS. */
  S3_ENDPOINT: z.optional(z.url()),
  USAGE_QUEUE_URL: z.url(),
  MIXPANEL_QUEUE_URL: z.url(),
  STAGING_BUCKET: z.string().check(z.minLength(3)),
  /**
   * `s3://bucket/prefix/` of the nightly export (`{date}` in it is the night's UTC date), or the
   * app's paged export endpoint `https://…` (its bearer token: `USAGE_EXPORT_TOKEN`).
   */
  USAGE_SOURCE: z.string().check(
    z.refine((text) => UsageLocation.safeParse(text.replaceAll('{date}', '2000-01-01')).success, {
      message: 'must be s3://bucket/prefix/ or https://host/path',
    }),
  ),
  /** The app's paged HTTPS export: when set, read instead of `USAGE_SOURCE`. */
  USAGE_EXPORT_URL: z.optional(z.url()),
  USAGE_SYNC_CONFIG: z.optional(z.string()),
};

/**
 * Builds the usage sync's clients once per container (or CLI run): the state store, S3, the
 * queues and one Salesforce session shared by the collections and Bulk API adapters.
 */
export async function usageSyncDeps(
  readParameter: ParameterReader,
  env: Record<string, string | undefined> = process.env,
): Promise<UsageSyncDeps> {
  const settings = parseEnv(usageSyncSettings, env);
  const config = loadUsageSyncConfig(settings.USAGE_SYNC_CONFIG);
  const s3 = createS3Client(settings.S3_ENDPOINT ? { endpoint: settings.S3_ENDPOINT } : {});
  const store = DynamoStateStore.create({ tableName: settings.STATE_TABLE, endpoint: settings.DYNAMODB_ENDPOINT });
  const salesforceConfig = await loadSalesforceConfig(readParameter, env);
  const source = settings.USAGE_EXPORT_URL ?? settings.USAGE_SOURCE;
  const https = UsageLocation.parse(source.replaceAll('{date}', '2000-01-01')).kind === 'https';
  const { USAGE_EXPORT_TOKEN: exportToken } = https
    ? await resolveSecrets(['USAGE_EXPORT_TOKEN'], readParameter, env)
    : { USAGE_EXPORT_TOKEN: undefined };
  // The sync spends only its share of the org's shared budget; the rest is the interactive flows' reserve.
  const ledger = createBudgetLedger(store, salesforceConfig);
  const session = new SalesforceSession(salesforceConfig, { budget: { ledger, priority: 'sync' } });
  const bulk = new SalesforceBulkClient(session);
  return {
    config,
    source,
    ...(exportToken ? { exportToken } : {}),
    runs: new UsageRuns(store),
    state: new UsageSyncState(store),
    staging: (runId) => new RunStaging(s3, settings.STAGING_BUCKET, runId),
    s3,
    queue: SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT }),
    usageQueueUrl: settings.USAGE_QUEUE_URL,
    mixpanelQueueUrl: settings.MIXPANEL_QUEUE_URL,
    salesforce: {
      collections: new SalesforceClient(salesforceConfig, { session }),
      bulk,
      budget: () => ledger.standing('sync'),
    },
    now: Date.now,
  };
}

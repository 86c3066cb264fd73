/**
 * The nightly account-usage flow's building blocks: reading the app's usage export, per-account
 * figures, and the Mixpanel payloads. Not wired into a function yet (see docs/usage-sync.md).
 */
export { isPaying, PayingRule, UsageColumns, UsageSource } from './config.js';
export { newReadStats, readUsageRows, type ReadStats, type UsageRow } from './rows.js';
export {
  aggregateUsage,
  UsageAggregator,
  WINDOWS,
  type AccountUsage,
  type AggregateOptions,
  type UsageSummary,
  type UserUsage,
} from './aggregate.js';
export {
  accountGroupUpdates,
  payloadHash,
  UsageProfileSettings,
  userProfileUpdates,
  type AccountFields,
} from './mixpanel-payloads.js';

import * as z from '../../zod-mini.js';
import { parseJsonSetting } from '../../config.js';
import { PayingRule, UsageSource } from '../config.js';
import { UsageProfileSettings } from '../mixpanel-payloads.js';

/** The account figures the sync can write to Salesforce, by the Account field that receives them. */
export const ACCOUNT_FIGURES = [
  'wapu',
  'activeUsers1d',
  'activeUsers7d',
  'activeUsers30d',
  'seatsUsed',
  'lastActiveAt',
  'asOf',
] as const;
export type AccountFigure = (typeof ACCOUNT_FIGURES)[number];

const FieldName = z
  .string()
  .check(z.regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/, 'must be a field API name'));

/**
 * What a night reads and writes, from `USAGE_SYNC_CONFIG` (JSON). Every key has a default that
 * matches the metadata in `salesforce/` and the app emulator, so an empty setting is a valid one.
 */
export const UsageSyncConfig = z.object({
  export: z.prefault(UsageSource, {
    format: 'ndjson',
    columns: { counters: { logins: 'logins_30d', projects: 'projects_created' } },
  }),
  /** Account fields read from Salesforce (besides `App_Account_Id__c`), for the paying rule and the profiles. */
  accountFields: z._default(z.array(FieldName), ['Name', 'Plan__c', 'Seats_Purchased__c', 'MRR__c', 'Renewal_Date__c']),
  paying: z._default(PayingRule, { field: 'Plan__c', notIn: ['trial', 'free'] }),
  profiles: z._default(UsageProfileSettings, {
    groupKey: 'account_id',
    accountProperties: {
      account_name: { field: 'Name', type: 'string' },
      plan: { field: 'Plan__c', type: 'string' },
      seats_purchased: { field: 'Seats_Purchased__c', type: 'number' },
      mrr: { field: 'MRR__c', type: 'number' },
      renewal_date: { field: 'Renewal_Date__c', type: 'string' },
    },
  }),
  /** Account field → figure. `asOf` is when the export was taken, so it moves only with the other figures. */
  salesforceFields: z._default(z.record(FieldName, z.enum(ACCOUNT_FIGURES)), {
    WAPU__c: 'wapu',
    Active_Users_1d__c: 'activeUsers1d',
    Active_Users_7d__c: 'activeUsers7d',
    Active_Users_30d__c: 'activeUsers30d',
    Seats_Used__c: 'seatsUsed',
    Last_Active_At__c: 'lastActiveAt',
    Usage_Synced_At__c: 'asOf',
  }),
  /** About this many users per chunk (one consumer invocation); whole accounts stay in one chunk. */
  usersPerChunk: z._default(z.number().check(z.int(), z.minimum(1_000), z.maximum(200_000)), 25_000),
  /** More than this share of unreadable export rows fails the run instead of syncing a partial night. */
  maxInvalidRowShare: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0.01),
});
export type UsageSyncConfig = z.output<typeof UsageSyncConfig>;

/** Reads `USAGE_SYNC_CONFIG`; a malformed one fails the container's start with every problem named. */
export function loadUsageSyncConfig(text: string | undefined): UsageSyncConfig {
  return text ? parseJsonSetting('USAGE_SYNC_CONFIG', text, UsageSyncConfig) : UsageSyncConfig.parse({});
}

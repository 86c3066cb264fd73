import { z } from 'zod';
import type { EmulatorOptions } from '../common/emulator.js';

const latency = z.union([z.number().nonnegative(), z.tuple([z.number().nonnegative(), z.number().nonnegative()])]);

/**
 * An outbound message and the flow (or workflow rule) that sends it: when a saved record of
 * `object` has every value of `when`, a notification with `fields` goes to `endpointUrl`.
 */
export const OutboundMessageRule = z.object({
  name: z.string().min(1),
  object: z.string().min(1),
  endpointUrl: z.url(),
  /** Fields sent besides `Id` (always sent). */
  fields: z.array(z.string().min(1)).default([]),
  when: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  /**
   * `changed-to-meet`: on create meeting the criteria, or an edit that makes the record meet them
   * (a flow's "only when updated to meet the condition", a workflow rule's "created, and any time
   * it's edited to subsequently meet criteria"); `every-save`: every save that meets them.
   */
  trigger: z.enum(['changed-to-meet', 'every-save']).default('changed-to-meet'),
});
export type OutboundMessageRule = z.infer<typeof OutboundMessageRule>;

/**
 * Redelivery timing. Salesforce retries for up to 24 hours with intervals growing to 2 hours and
 * gives a listener 60 s; the first interval is not documented (unverified: seconds to a minute).
 */
export const OutboundDelivery = z.object({
  /** How long saves are gathered into one message (Salesforce batches notifications of one action). */
  batchWindowMs: z.number().int().nonnegative().default(50),
  firstRetryMs: z.number().int().positive().default(15_000),
  maxRetryIntervalMs: z
    .number()
    .int()
    .positive()
    .default(2 * 60 * 60 * 1000),
  expireAfterMs: z
    .number()
    .int()
    .positive()
    .default(24 * 60 * 60 * 1000),
  timeoutMs: z.number().int().positive().default(60_000),
});
export type OutboundDelivery = z.infer<typeof OutboundDelivery>;

/** The plain-data settings of the Salesforce emulator (everything a launcher can put in a file). */
export const SalesforceSettings = z.object({
  /** SFDX `objects` folder the schema is read from (default: this repository's `salesforce/`). */
  metadataDir: z.string().optional(),
  orgId: z
    .string()
    .regex(/^00D[a-zA-Z0-9]{15}$/)
    .default('00D5g00000SwBrdEAF'),
  clientId: z.string().min(1).default('switchboard-sandbox-client'),
  clientSecret: z.string().min(1).default('switchboard-sandbox-secret'),
  /** JWT bearer flow: the connected app's consumer key and certificate/public key PEM. */
  jwt: z.object({ consumerKey: z.string().min(1), publicKeyPem: z.string().min(1) }).optional(),
  /** Accepted JWT `aud` values; the emulator's own URL is always accepted too. */
  audiences: z.array(z.string()).default(['https://login.salesforce.com', 'https://test.salesforce.com']),
  /** Usernames of the org; the first is the client-credentials "run as" user. */
  users: z.array(z.string().min(1)).min(1).default(['integration@switchboard.sandbox']),
  /** Tokens that are always valid (for tests and `npm start`). */
  accessTokens: z.array(z.string().min(1)).default(['sandbox-access-token']),
  tokenTtlMs: z
    .number()
    .int()
    .positive()
    .default(2 * 60 * 60 * 1000),
  dailyApiRequests: z.number().int().nonnegative().default(100_000),
  apiUsage: z.number().int().nonnegative().default(0),
  concurrentRequestLimit: z.number().int().positive().default(25),
  serviceTimeMs: latency.optional(),
  /** API requests admitted per second, over which requests wait in arrival order (none: no cap). */
  requestsPerSecond: z.number().positive().optional(),
  /** Records per SOQL page before `nextRecordsUrl` (Salesforce: 2,000). */
  queryPageSize: z.number().int().positive().default(2000),
  /** Status polls a closed Bulk API 2.0 job (ingest or query) answers `InProgress` before `JobComplete`. */
  bulkPollsInProgress: z.number().int().nonnegative().default(1),
  /** Rows per Bulk API 2.0 query result set when the request names no `maxRecords` (Salesforce: by size). */
  bulkQueryPageSize: z.number().int().positive().default(50_000),
  /** Share (0..1) of collection/bulk records that fail with UNABLE_TO_LOCK_ROW. */
  unableToLockRowRate: z.number().min(0).max(1).default(0),
  /** Outbound messages the org sends when records change (none by default). */
  outboundMessages: z.array(OutboundMessageRule).default([]),
  outboundDelivery: OutboundDelivery.default(OutboundDelivery.parse({})),
});

export type SalesforceSettings = z.infer<typeof SalesforceSettings>;

/** Options of `startSalesforceEmulator`: the shared emulator options plus the Salesforce settings. */
export interface SalesforceEmulatorOptions extends EmulatorOptions, z.input<typeof SalesforceSettings> {
  /** Clock for timestamps, token expiry and JWT `exp` (default: the system clock). */
  clock?: () => Date;
}

/** A launcher can start the emulator from this with no other input. */
export const defaultSalesforceConfig: SalesforceEmulatorOptions = {
  port: 0,
  seed: 1,
  orgId: '00D5g00000SwBrdEAF',
  clientId: 'switchboard-sandbox-client',
  clientSecret: 'switchboard-sandbox-secret',
  users: ['integration@switchboard.sandbox'],
  accessTokens: ['sandbox-access-token'],
  dailyApiRequests: 100_000,
  concurrentRequestLimit: 25,
  queryPageSize: 2000,
  bulkPollsInProgress: 1,
  bulkQueryPageSize: 50_000,
  unableToLockRowRate: 0,
};

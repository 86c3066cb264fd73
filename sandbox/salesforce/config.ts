import { z } from 'zod';
import type { EmulatorOptions } from '../common/emulator.js';

const latency = z.union([z.number().nonnegative(), z.tuple([z.number().nonnegative(), z.number().nonnegative()])]);

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
  /** Records per SOQL page before `nextRecordsUrl` (Salesforce: 2,000). */
  queryPageSize: z.number().int().positive().default(2000),
  /** Status polls a closed Bulk API 2.0 job (ingest or query) answers `InProgress` before `JobComplete`. */
  bulkPollsInProgress: z.number().int().nonnegative().default(1),
  /** Rows per Bulk API 2.0 query result set when the request names no `maxRecords` (Salesforce: by size). */
  bulkQueryPageSize: z.number().int().positive().default(50_000),
  /** Share (0..1) of collection/bulk records that fail with UNABLE_TO_LOCK_ROW. */
  unableToLockRowRate: z.number().min(0).max(1).default(0),
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

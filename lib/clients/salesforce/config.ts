import * as z from '../../zod-mini.js';
import { ConfigError, parseEnv, resolveSecrets, type ParameterReader } from '../../config.js';
import type { StateStore } from '../state-store.js';
import {
  BudgetLedger,
  DEFAULT_PROBE_SECONDS,
  DEFAULT_SPENT_WAIT_SECONDS,
  type BudgetSettings,
} from './budget-ledger.js';
import { MAX_COLLECTIONS_PER_CALL } from './composite.js';

// Salesforce counts API requests over a rolling 24 hours.
const ROLLING_WINDOW_SECONDS = 24 * 60 * 60;
// SQS caps a visibility timeout at 12 hours.
const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

/** The budget's settings (docs/throttling.md), read alike by the functions and by `switchboard limits`. */
export const budgetEnvSettings = {
  SALESFORCE_BUDGET_GUARD_PERCENT: z._default(z.coerce.number().check(z.gt(0), z.maximum(100)), 80),
  SALESFORCE_DAILY_BUDGET: z.optional(z.coerce.number().check(z.int(), z.positive())),
  SALESFORCE_BUDGET_WAIT_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(60), z.maximum(MAX_VISIBILITY_SECONDS)),
    DEFAULT_SPENT_WAIT_SECONDS,
  ),
  SALESFORCE_BUDGET_PROBE_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(60), z.maximum(ROLLING_WINDOW_SECONDS)),
    DEFAULT_PROBE_SECONDS,
  ),
};

export interface SalesforceConfig {
  /** Where the OAuth token is requested: the org's My Domain URL (or the emulator's URL). */
  loginUrl: string;
  /** The connected (or external client) app's consumer key. */
  clientId: string;
  /** The consumer secret of the client-credentials flow. */
  clientSecret: string;
  /** The pinned REST API version, e.g. `62.0`. */
  apiVersion: string;
  /** Share (percent) of the daily API budget the nightly sync may use; the rest is kept for interactive flows. */
  budgetGuardPercent: number;
  /** Calls per rolling 24 h the org's usage may reach when the hub shares the allocation (default: all of it). */
  dailyBudget?: number | undefined;
  /** A message that finds the budget spent waits this long per delivery (default 3,600 s). */
  budgetWaitSeconds?: number;
  /** One probe call per this interval while the budget is spent (default 900 s). */
  budgetProbeSeconds?: number;
  /**
   * sObject Collections (or SOQL queries) sent in one API call through Composite, 1–5 (default 5):
   * an org whose automation on these records nears the per-transaction limits can lower it.
   */
  collectionsPerCall?: number;
}

/**
 * Salesforce settings, parsed once per container. The secret comes from `SALESFORCE_CLIENT_SECRET`
 * (local runs) or the SSM parameter named in `SALESFORCE_CLIENT_SECRET_SSM` (deployments).
 */
export async function loadSalesforceConfig(
  readParameter: ParameterReader,
  env = process.env,
): Promise<SalesforceConfig> {
  const settings = parseEnv(
    {
      SALESFORCE_LOGIN_URL: z.url(),
      SALESFORCE_CLIENT_ID: z.string().check(z.minLength(1)),
      SALESFORCE_API_VERSION: z._default(
        z.string().check(z.regex(/^\d+\.\d$/, 'expected a version such as 62.0')),
        '62.0',
      ),
      ...budgetEnvSettings,
      MAX_RECEIVE_COUNT: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 25),
      SALESFORCE_COLLECTIONS_PER_CALL: z._default(
        z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_COLLECTIONS_PER_CALL)),
        MAX_COLLECTIONS_PER_CALL,
      ),
    },
    env,
  );
  // A message that keeps finding the budget spent must outlive the rolling window before its last delivery.
  const waited = settings.SALESFORCE_BUDGET_WAIT_SECONDS * settings.MAX_RECEIVE_COUNT;
  if (waited < ROLLING_WINDOW_SECONDS)
    throw new ConfigError(
      `Invalid configuration: SALESFORCE_BUDGET_WAIT_SECONDS (${settings.SALESFORCE_BUDGET_WAIT_SECONDS}) × ` +
        `MAX_RECEIVE_COUNT (${settings.MAX_RECEIVE_COUNT}) is ${waited} s, less than Salesforce's rolling 24 h ` +
        `(${ROLLING_WINDOW_SECONDS} s): messages would be dead-lettered while the budget is spent`,
    );
  const secrets = await resolveSecrets(['SALESFORCE_CLIENT_SECRET'], readParameter, env);
  return {
    loginUrl: settings.SALESFORCE_LOGIN_URL.replace(/\/+$/, ''),
    clientId: settings.SALESFORCE_CLIENT_ID,
    clientSecret: secrets.SALESFORCE_CLIENT_SECRET,
    apiVersion: settings.SALESFORCE_API_VERSION,
    budgetGuardPercent: settings.SALESFORCE_BUDGET_GUARD_PERCENT,
    dailyBudget: settings.SALESFORCE_DAILY_BUDGET,
    budgetWaitSeconds: settings.SALESFORCE_BUDGET_WAIT_SECONDS,
    budgetProbeSeconds: settings.SALESFORCE_BUDGET_PROBE_SECONDS,
    collectionsPerCall: settings.SALESFORCE_COLLECTIONS_PER_CALL,
  };
}

/** The budget settings of a configuration, with the defaults of what it leaves out. */
export function budgetSettings(config: SalesforceConfig): BudgetSettings {
  return {
    syncSharePercent: config.budgetGuardPercent,
    dailyBudget: config.dailyBudget,
    spentWaitSeconds: config.budgetWaitSeconds ?? DEFAULT_SPENT_WAIT_SECONDS,
    probeSeconds: config.budgetProbeSeconds ?? DEFAULT_PROBE_SECONDS,
  };
}

/** The org's shared budget ledger in the state store, keyed by the org's login host (its My Domain). */
export function createBudgetLedger(
  store: StateStore,
  config: SalesforceConfig,
  options: { clock?: () => number } = {},
): BudgetLedger {
  return new BudgetLedger(store, budgetSettings(config), { org: new URL(config.loginUrl).host, ...options });
}

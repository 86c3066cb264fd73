import { z } from 'zod';
import { parseEnv, resolveSecrets, type ParameterReader } from '../../config.js';

export interface SalesforceConfig {
  /** Where the OAuth token is requested: the org's My Domain URL (or the emulator's URL). */
  loginUrl: string;
  /** The connected (or external client) app's consumer key. */
  clientId: string;
  /** The consumer secret of the client-credentials flow. */
  clientSecret: string;
  /** The pinned REST API version, e.g. `62.0`. */
  apiVersion: string;
  /** Share (percent) of the daily API allocation above which the nightly sync defers itself. */
  budgetGuardPercent: number;
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
      SALESFORCE_CLIENT_ID: z.string().min(1),
      SALESFORCE_API_VERSION: z
        .string()
        .regex(/^\d+\.\d$/, 'expected a version such as 62.0')
        .default('62.0'),
      SALESFORCE_BUDGET_GUARD_PERCENT: z.coerce.number().gt(0).max(100).default(80),
    },
    env,
  );
  const secrets = await resolveSecrets(['SALESFORCE_CLIENT_SECRET'], readParameter, env);
  return {
    loginUrl: settings.SALESFORCE_LOGIN_URL.replace(/\/+$/, ''),
    clientId: settings.SALESFORCE_CLIENT_ID,
    clientSecret: secrets.SALESFORCE_CLIENT_SECRET,
    apiVersion: settings.SALESFORCE_API_VERSION,
    budgetGuardPercent: settings.SALESFORCE_BUDGET_GUARD_PERCENT,
  };
}

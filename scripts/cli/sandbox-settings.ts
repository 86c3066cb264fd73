/**
 * The Salesforce settings a command reads with, decided as npm start decides: a real org's
 * credential in the settings means that org; otherwise npm start's Salesforce sandbox, at
 * `SANDBOX_SALESFORCE_PORT`, with its own client.
 */
import { defaultSalesforceConfig } from '../../sandbox/salesforce/config.js';

/** The settings whose presence means "the real org" (npm start's list, and the secret's SSM name). */
const REAL_SALESFORCE = ['SALESFORCE_CLIENT_SECRET', 'SALESFORCE_CLIENT_SECRET_SSM', 'SALESFORCE_PRIVATE_KEY'];

export interface SalesforceSettings<T> {
  /** npm start's emulator rather than a real org. */
  sandbox: boolean;
  env: T;
}

export function salesforceSettings<T extends Record<string, string | undefined>>(settings: T): SalesforceSettings<T> {
  if (REAL_SALESFORCE.some((name) => settings[name])) return { sandbox: false, env: settings };
  return {
    sandbox: true,
    env: {
      ...settings,
      SALESFORCE_LOGIN_URL: `http://127.0.0.1:${settings.SANDBOX_SALESFORCE_PORT ?? 4101}`,
      SALESFORCE_CLIENT_ID: String(defaultSalesforceConfig.clientId),
      SALESFORCE_CLIENT_SECRET: String(defaultSalesforceConfig.clientSecret),
    },
  };
}

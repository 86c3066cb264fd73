import * as z from '../../zod-mini.js';
import { parseEnv, resolveSecrets, type ParameterReader } from '../../config.js';

export interface MixpanelConfig {
  apiUrl: string;
  projectId: string;
  projectToken: string;
  serviceAccount: string;
  serviceAccountSecret: string;
}

/** The project and the service account that every Mixpanel call of the hub uses. */
const projectSettings = {
  MIXPANEL_PROJECT_ID: z.string().check(z.minLength(1)),
  MIXPANEL_SERVICE_ACCOUNT: z.string().check(z.minLength(1)),
};

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

/** Mixpanel settings: the EU residency URL is `https://api-eu.mixpanel.com`. */
export async function loadMixpanelConfig(readParameter: ParameterReader, env = process.env): Promise<MixpanelConfig> {
  const settings = parseEnv(
    { MIXPANEL_API_URL: z._default(z.url(), 'https://api.mixpanel.com'), ...projectSettings },
    env,
  );
  const secrets = await resolveSecrets(
    ['MIXPANEL_SERVICE_ACCOUNT_SECRET', 'MIXPANEL_PROJECT_TOKEN'],
    readParameter,
    env,
  );
  return {
    apiUrl: withoutTrailingSlash(settings.MIXPANEL_API_URL),
    projectId: settings.MIXPANEL_PROJECT_ID,
    serviceAccount: settings.MIXPANEL_SERVICE_ACCOUNT,
    serviceAccountSecret: secrets.MIXPANEL_SERVICE_ACCOUNT_SECRET,
    projectToken: secrets.MIXPANEL_PROJECT_TOKEN,
  };
}

/** What the Raw Event Export reader needs: the data host and a service account of the project. */
export interface MixpanelExportConfig {
  /** `https://data.mixpanel.com`; EU residency `https://data-eu.mixpanel.com`, India `https://data-in.mixpanel.com`. */
  exportApiUrl: string;
  projectId: string;
  serviceAccount: string;
  serviceAccountSecret: string;
}

/**
 * Export settings from the same variables as `loadMixpanelConfig` plus `MIXPANEL_EXPORT_API_URL`;
 * the project token is not needed to read.
 */
export async function loadMixpanelExportConfig(
  readParameter: ParameterReader,
  env = process.env,
): Promise<MixpanelExportConfig> {
  const settings = parseEnv(
    { MIXPANEL_EXPORT_API_URL: z._default(z.url(), 'https://data.mixpanel.com'), ...projectSettings },
    env,
  );
  const secrets = await resolveSecrets(['MIXPANEL_SERVICE_ACCOUNT_SECRET'], readParameter, env);
  return {
    exportApiUrl: withoutTrailingSlash(settings.MIXPANEL_EXPORT_API_URL),
    projectId: settings.MIXPANEL_PROJECT_ID,
    serviceAccount: settings.MIXPANEL_SERVICE_ACCOUNT,
    serviceAccountSecret: secrets.MIXPANEL_SERVICE_ACCOUNT_SECRET,
  };
}

/** What the GDPR/CCPA API v3 client needs: its host, the project's token and a GDPR OAuth token. */
export interface MixpanelGdprConfig {
  /**
   * `https://mixpanel.com/api/app`; EU residency `https://eu.mixpanel.com/api/app`,
   * India `https://in.mixpanel.com/api/app`.
   */
  gdprApiUrl: string;
  projectToken: string;
  /** A project owner's or admin's OAuth token from Data & Privacy settings (it expires after a year). */
  gdprToken: string;
}

/**
 * GDPR API settings: `MIXPANEL_GDPR_API_URL`, and the secrets `MIXPANEL_PROJECT_TOKEN` and
 * `MIXPANEL_GDPR_TOKEN` (or their `_SSM` parameter paths).
 */
export async function loadMixpanelGdprConfig(
  readParameter: ParameterReader,
  env = process.env,
): Promise<MixpanelGdprConfig> {
  const settings = parseEnv({ MIXPANEL_GDPR_API_URL: z._default(z.url(), 'https://mixpanel.com/api/app') }, env);
  const secrets = await resolveSecrets(['MIXPANEL_PROJECT_TOKEN', 'MIXPANEL_GDPR_TOKEN'], readParameter, env);
  return {
    gdprApiUrl: withoutTrailingSlash(settings.MIXPANEL_GDPR_API_URL),
    projectToken: secrets.MIXPANEL_PROJECT_TOKEN,
    gdprToken: secrets.MIXPANEL_GDPR_TOKEN,
  };
}

import * as z from '../../zod-mini.js';
import { parseEnv, resolveSecrets, type ParameterReader } from '../../config.js';

export interface ZendeskConfig {
  /** The REST API base, e.g. `https://acme.zendesk.com/api/v2` (no trailing slash). */
  apiUrl: string;
  /** The agent the API token belongs to. */
  email: string;
  apiToken: string;
}

/**
 * Zendesk settings: `ZENDESK_API_URL`, `ZENDESK_EMAIL`, and the secret `ZENDESK_API_TOKEN`
 * (or `ZENDESK_API_TOKEN_SSM`, the SSM parameter holding it).
 */
export async function loadZendeskConfig(readParameter: ParameterReader, env = process.env): Promise<ZendeskConfig> {
  const settings = parseEnv(
    {
      ZENDESK_API_URL: z
        .pipe(
          z.url(),
          z.transform((url: string) => url.replace(/\/+$/, '')),
        )
        .check(
          z.refine(
            (url) => url.endsWith('/api/v2'),
            'must be the API base ending in /api/v2, e.g. https://acme.zendesk.com/api/v2',
          ),
        ),
      ZENDESK_EMAIL: z.email(),
    },
    env,
  );
  const secrets = await resolveSecrets(['ZENDESK_API_TOKEN'], readParameter, env);
  return { apiUrl: settings.ZENDESK_API_URL, email: settings.ZENDESK_EMAIL, apiToken: secrets.ZENDESK_API_TOKEN };
}

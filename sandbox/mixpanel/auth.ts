import type { IncomingHttpHeaders } from 'node:http';
import type { MixpanelConfig } from './config.js';

/** Decodes `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
function basicCredentials(headers: IncomingHttpHeaders): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(String(headers.authorization ?? '').trim());
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * `/import` accepts a service account (user:secret) together with `project_id`, or the project
 * token as user with an empty password; without `project_id` the credentials are taken as a token
 * (docs.mixpanel.com reference/import-events, "Authentication").
 */
export function isImportAuthorized(
  config: MixpanelConfig,
  headers: IncomingHttpHeaders,
  projectId: string | null,
): boolean {
  const credentials = basicCredentials(headers);
  if (!credentials) return false;
  if (projectId !== null && projectId !== config.projectId) return false;
  if (credentials.password === '' || projectId === null) {
    return credentials.password === '' && credentials.user === config.projectToken;
  }
  return config.serviceAccounts.some(
    (account) => account.username === credentials.user && account.secret === credentials.password,
  );
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { RouteHandler, SandboxResponse } from '../common/router.js';
import { rowLine } from './export-format.js';
import { usageRows } from './generate.js';
import { population, type UsageOptions } from './population.js';

export const EXPORT_PATH = '/export/usage';

export interface ExportRouteOptions {
  usage: UsageOptions;
  /** The bearer token the export requires. */
  token: string;
  /** Rows per page when the request names no `limit` (default 10,000). */
  pageSize?: number;
  /** How `Link` names the next page: a path (default) or an absolute URL built from `Host`. */
  links?: 'relative' | 'absolute';
}

const MAX_PAGE_SIZE = 50_000;

/**
 * `GET /export/usage?cursor=<opaque>&limit=<n>`: the generated night as NDJSON pages, the next one
 * named by `Link: <…>; rel="next"` (none on the last). The cursor carries the night it belongs to,
 * so a cursor of another night (after `setUsage`) is refused instead of mixing two exports.
 */
export function usageExportRoute(options: ExportRouteOptions): RouteHandler {
  const pop = population(options.usage);
  const night = createHash('sha256').update(JSON.stringify(pop.options)).digest('hex').slice(0, 12);
  const expected = digest(`Bearer ${options.token}`);
  const defaultLimit = options.pageSize ?? 10_000;
  return (req) => {
    const authorization = req.headers.authorization ?? '';
    if (!timingSafeEqual(digest(authorization), expected)) return unauthorized(authorization !== '');
    const limit = Number(req.query.get('limit') ?? defaultLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
      return badRequest(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    const cursor = req.query.get('cursor');
    const from = cursor === null ? 0 : offsetOf(cursor, night);
    if (from === undefined) return badRequest('the cursor is not one this export issued, or belongs to another night');
    const to = Math.min(from + limit, pop.options.users);
    let body = '';
    for (const row of usageRows(pop, { from, to })) body += rowLine(row, 'ndjson');
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (to < pop.options.users) {
      const path = `${EXPORT_PATH}?cursor=${cursorOf(to, night)}&limit=${limit}`;
      const base = options.links === 'absolute' ? `http://${req.headers.host ?? '127.0.0.1'}` : '';
      headers.link = `<${base}${path}>; rel="next"`;
    }
    return { status: 200, headers, body };
  };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

function cursorOf(offset: number, night: string): string {
  return Buffer.from(`${night}:${offset}`).toString('base64url');
}

function offsetOf(cursor: string, night: string): number | undefined {
  const [tag, offset] = Buffer.from(cursor, 'base64url').toString().split(':');
  return tag === night && offset !== undefined && /^\d+$/.test(offset) ? Number(offset) : undefined;
}

/** RFC 6750 §3: a request without a token gets the challenge alone; a wrong token, `invalid_token`. */
function unauthorized(tokenSent: boolean): SandboxResponse {
  const challenge = `Bearer realm="usage-export"${tokenSent ? ', error="invalid_token"' : ''}`;
  return { status: 401, headers: { 'www-authenticate': challenge }, body: { error: 'unauthorized' } };
}

function badRequest(message: string): SandboxResponse {
  return { status: 400, body: { error: 'bad_request', message } };
}

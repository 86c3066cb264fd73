import type { IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { RouteHandler, SandboxResponse } from '../common/router.js';
import type { ExportRateLimit, MixpanelConfig } from './config.js';
import type { StoredEvent } from './event-store.js';
import type { MixpanelProject } from './project.js';
import { parseWhere, UnsupportedWhereError, type EventFilter } from './where.js';

/** `limit` may not exceed this (docs.mixpanel.com reference/raw-event-export). */
export const MAX_EXPORT_LIMIT = 100_000;
/** Above this many bytes a gzip-accepting client gets a gzipped answer (same reference, `Accept-Encoding`). */
const GZIP_THRESHOLD_BYTES = 1400;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The raw-export query budget: 3 per second and 60 per hour, on rolling windows; refused queries
 * do not count (docs.mixpanel.com reference/rate-limits, "Raw Data Export API").
 */
export class ExportRateLimiter {
  private admitted: number[] = [];

  constructor(
    private readonly limit: ExportRateLimit,
    private readonly clock: () => number,
  ) {}

  tryAdmit(): boolean {
    const now = this.clock();
    this.admitted = this.admitted.filter((at) => at > now - 3_600_000);
    const lastSecond = this.admitted.filter((at) => at > now - 1000).length;
    if (lastSecond >= this.limit.perSecond || this.admitted.length >= this.limit.perHour) return false;
    this.admitted.push(now);
    return true;
  }

  clear(): void {
    this.admitted = [];
  }
}

/**
 * `GET /api/2.0/export` of the data host (`data.mixpanel.com`, `data-eu.mixpanel.com`): the events
 * of `from_date`..`to_date` (inclusive days, UTC: projects created since 2023 use UTC) as JSONL,
 * one `{"event","properties"}` per line with `time` in seconds; optional `event` (JSON array of
 * names), `where`, `limit` (≤ 100,000). Service-account Basic auth with `project_id`.
 * (docs.mixpanel.com reference/raw-event-export, docs/export-methods)
 * Errors are answered as plain text, as observed of this endpoint (unverified wording).
 */
export function exportHandler(project: MixpanelProject, limiter: ExportRateLimiter): RouteHandler {
  return (req) => {
    const auth = checkAuth(project.config, req.headers, req.query.get('project_id'));
    if (auth) return auth;
    const query = parseQuery(req.query);
    if (typeof query === 'string') return textError(400, query);
    if (!limiter.tryAdmit())
      return textError(
        429,
        'Query rate limit exceeded: at most 3 queries per second and 60 per hour. Please retry later.',
      );

    const selected = project.events
      .list()
      .map((event, order) => ({ event, order }))
      .filter(({ event }) => event.properties.time >= query.fromMs && event.properties.time < query.toMs)
      .filter(({ event }) => query.events === undefined || query.events.has(event.event))
      .filter(({ event }) => query.where === undefined || query.where(event.properties))
      .sort((a, b) => a.event.properties.time - b.event.properties.time || a.order - b.order)
      .slice(0, query.limit)
      .map(({ event }) => `${JSON.stringify(toExported(event))}\n`);
    const body = Buffer.from(selected.join(''), 'utf8');
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
    if (/\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? '')) && body.length > GZIP_THRESHOLD_BYTES) {
      return { status: 200, headers: { ...headers, 'content-encoding': 'gzip' }, body: gzipSync(body) };
    }
    return { status: 200, headers, body };
  };
}

interface ExportQuery {
  fromMs: number;
  /** Exclusive: midnight UTC after `to_date`. */
  toMs: number;
  events: Set<string> | undefined;
  where: EventFilter | undefined;
  limit: number | undefined;
}

/** The query, or the reason it is refused. */
function parseQuery(query: URLSearchParams): ExportQuery | string {
  const from = query.get('from_date');
  const to = query.get('to_date');
  if (!from || !to) return `${!from ? 'from_date' : 'to_date'} is required (yyyy-mm-dd)`;
  const fromMs = dayStart(from);
  const toStart = dayStart(to);
  if (fromMs === undefined) return `from_date is not a valid yyyy-mm-dd date: ${from}`;
  if (toStart === undefined) return `to_date is not a valid yyyy-mm-dd date: ${to}`;
  if (fromMs > toStart) return 'from_date must not be after to_date';

  let events: Set<string> | undefined;
  const event = query.get('event');
  if (event !== null) {
    let names: unknown;
    try {
      names = JSON.parse(event);
    } catch {
      names = undefined;
    }
    if (!Array.isArray(names) || !names.every((name) => typeof name === 'string'))
      return 'event must be a JSON array of event names, e.g. ["Signed up"]';
    events = new Set(names);
  }

  let limit: number | undefined;
  const rawLimit = query.get('limit');
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > MAX_EXPORT_LIMIT)
      return `limit must be an integer from 1 to ${MAX_EXPORT_LIMIT}`;
  }

  let where: EventFilter | undefined;
  const rawWhere = query.get('where');
  if (rawWhere !== null && rawWhere.trim() !== '') {
    try {
      where = parseWhere(rawWhere);
    } catch (error) {
      if (error instanceof UnsupportedWhereError) return error.message;
      throw error;
    }
  }
  return { fromMs, toMs: toStart + DAY_MS, events, where, limit };
}

/** Service account (user:secret) plus the matching `project_id`; the project token is not accepted here. */
function checkAuth(
  config: MixpanelConfig,
  headers: IncomingHttpHeaders,
  projectId: string | null,
): SandboxResponse | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(String(headers.authorization ?? '').trim());
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const [user, secret] = colon < 0 ? ['', ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  const account = config.serviceAccounts.find(
    (candidate) => candidate.username === user && candidate.secret === secret,
  );
  if (!account) return textError(401, 'Invalid credentials');
  // "project_id: Required if using service account to authenticate request." (reference/raw-event-export)
  if (projectId === null) return textError(400, 'project_id is required when authenticating with a service account');
  if (projectId !== config.projectId)
    return textError(403, `The service account has no access to project ${projectId}`);
  return undefined;
}

/** Epoch ms of 00:00 UTC of a real calendar day, else undefined. */
function dayStart(value: string): number | undefined {
  const parts = DATE.exec(value);
  if (!parts) return undefined;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? ms
    : undefined;
}

/** An exported line: the stored properties with `time` in whole seconds, as the export answers it. */
function toExported(event: StoredEvent): { event: string; properties: Record<string, unknown> } {
  const { time, distinct_id, $insert_id, ...rest } = event.properties;
  return { event: event.event, properties: { time: Math.floor(time / 1000), distinct_id, $insert_id, ...rest } };
}

function textError(status: number, message: string): SandboxResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: message };
}

import type { Router, SandboxRequest, SandboxResponse } from '../common/router.js';
import type { ZendeskConfig } from './config.js';
import { invalidValue } from './errors.js';
import type { ZendeskGuard } from './guard.js';
import { addApiRoute, apiBase } from './routes-records.js';
import { toExportedTicketJson } from './serialize.js';
import type { ExportPosition, ZendeskStore } from './store.js';

/** Zendesk's page ceiling for the incremental ticket export (incremental_exports, `per_page`). */
const MAX_PAGE_SIZE = 1000;

/**
 * An opaque cursor in the shape Zendesk's look like when decoded (`1580753798.0||432|`, base64):
 * the change time and the change's place among changes of the same second.
 */
export function encodeCursor(position: ExportPosition): string {
  return Buffer.from(`${position.updatedAt}.0||${position.seq}|`).toString('base64');
}

/** The position a cursor stands for; undefined for anything this emulator did not hand out. */
export function decodeCursor(cursor: string): ExportPosition | undefined {
  const match = /^(\d+)\.0\|\|(\d+)\|$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? { updatedAt: Number(match[1]), seq: Number(match[2]) } : undefined;
}

/**
 * `GET /api/v2/incremental/tickets/cursor.json`: `start_time` for the first request, then
 * `cursor=<after_cursor>` until `end_of_stream`; tickets in change order; 10 requests a minute.
 */
export function addIncrementalRoutes(
  router: Router,
  store: ZendeskStore,
  guard: ZendeskGuard,
  config: ZendeskConfig,
): void {
  addApiRoute(
    router,
    '/api/v2/incremental/tickets/cursor',
    'incremental.tickets.cursor',
    guard.protect((req) => exportTickets(req, store, config), 'incremental'),
  );
}

function exportTickets(req: SandboxRequest, store: ZendeskStore, config: ZendeskConfig): SandboxResponse {
  const horizon = store.nowSeconds() - config.exportLagSeconds;
  const cursor = req.query.get('cursor');
  const start = startPosition(req, cursor, horizon, config.exportLagSeconds);
  if ('status' in start) return start;

  const perPage = pageSize(req.query.get('per_page'), config.exportPageSize);
  const found = store.changedAfter(start, horizon, perPage + 1);
  const tickets = found.slice(0, perPage);
  const last = tickets.at(-1);
  // An empty page keeps the caller's cursor; an empty first page has none to give (no record to point at).
  const afterCursor = last ? encodeCursor(last) : cursor;
  const beforeCursor = cursor !== null && last ? cursor : null;
  const url = (c: string | null): string | null =>
    c === null ? null : `${apiBase(req)}/incremental/tickets/cursor.json?cursor=${encodeURIComponent(c)}`;
  return {
    status: 200,
    body: {
      tickets: tickets.map((t) => toExportedTicketJson(t, apiBase(req))),
      after_cursor: afterCursor,
      after_url: url(afterCursor),
      before_cursor: beforeCursor,
      before_url: url(beforeCursor),
      end_of_stream: found.length <= perPage,
    },
  };
}

/** Where to read from: the cursor if given (it wins), else `start_time`, refused inside the export lag. */
function startPosition(
  req: SandboxRequest,
  cursor: string | null,
  horizon: number,
  lagSeconds: number,
): ExportPosition | SandboxResponse {
  if (cursor !== null) return decodeCursor(cursor) ?? invalidValue(422, 'Invalid cursor');
  const startTime = req.query.get('start_time');
  if (startTime === null || !/^\d+$/.test(startTime))
    return invalidValue(422, 'start_time must be a Unix timestamp in seconds');
  if (Number(startTime) > horizon) {
    const minutes = Math.max(1, Math.ceil(lagSeconds / 60));
    return invalidValue(
      422,
      `Too recent start_time. Use a start_time older than ${minutes} minute${minutes === 1 ? '' : 's'}`,
    );
  }
  // seq 0 comes before every change, so tickets changed exactly at start_time are included.
  return { updatedAt: Number(startTime), seq: 0 };
}

function pageSize(raw: string | null, fallback: number): number {
  const asked = raw === null ? Number.NaN : Number(raw);
  return Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_PAGE_SIZE) : fallback;
}

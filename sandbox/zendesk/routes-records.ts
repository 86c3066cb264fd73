import type { Router, SandboxRequest, SandboxResponse } from '../common/router.js';
import { invalidValue, recordNotFound } from './errors.js';
import type { ZendeskGuard } from './guard.js';
import type { UserRecord } from './model.js';
import { toTicketJson, toUserJson } from './serialize.js';
import type { ZendeskStore } from './store.js';

/**
 * `show_many` takes "a comma-separated list of up to 100" ids
 * (tickets#show-multiple-tickets, users#show-many-users).
 */
export const MAX_SHOW_MANY_IDS = 100;
/** Users per search page; the search endpoints page by 100 at most. */
const SEARCH_PAGE_SIZE = 100;

/** The API base the client used, so `url` and `next_page` point back at this emulator. */
export function apiBase(req: SandboxRequest): string {
  return `http://${req.headers.host ?? '127.0.0.1'}/api/v2`;
}

/** Registers a path with and without `.json`: node-zendesk always asks for `….json`, curl users often don't. */
export function addApiRoute(router: Router, path: string, name: string, handler: Parameters<Router['add']>[3]): void {
  router.add('GET', path, name, handler).add('GET', `${path}.json`, name, handler);
}

/** Registers show, show_many and search for tickets and users. */
export function addRecordRoutes(router: Router, store: ZendeskStore, guard: ZendeskGuard): void {
  addApiRoute(
    router,
    '/api/v2/tickets/show_many',
    'tickets.show_many',
    guard.protect((req) => {
      const ids = idList(req, 'ids');
      if (ids.length > MAX_SHOW_MANY_IDS) return tooManyIds();
      const tickets = ids.map((id) => store.ticket(Number(id))).filter((t) => t !== undefined);
      return { status: 200, body: { tickets: tickets.map((t) => toTicketJson(t, apiBase(req))) } };
    }),
  );
  router.add(
    'GET',
    '/api/v2/tickets/:id',
    'tickets.show',
    guard.protect((req) => {
      const ticket = store.ticket(recordId(req));
      return ticket ? { status: 200, body: { ticket: toTicketJson(ticket, apiBase(req)) } } : recordNotFound();
    }),
  );

  addApiRoute(
    router,
    '/api/v2/users/show_many',
    'users.show_many',
    guard.protect((req) => {
      const byExternalId = req.query.has('external_ids');
      const keys = idList(req, byExternalId ? 'external_ids' : 'ids');
      if (keys.length > MAX_SHOW_MANY_IDS) return tooManyIds();
      const users = keys
        .map((key) => (byExternalId ? store.userByExternalId(key) : store.user(Number(key))))
        .filter((u) => u !== undefined);
      return { status: 200, body: { users: users.map((u) => toUserJson(u, apiBase(req))) } };
    }),
  );
  addApiRoute(
    router,
    '/api/v2/users/search',
    'users.search',
    guard.protect((req) => searchUsers(req, store)),
  );
  router.add(
    'GET',
    '/api/v2/users/:id',
    'users.show',
    guard.protect((req) => {
      const user = store.user(recordId(req));
      return user ? { status: 200, body: { user: toUserJson(user, apiBase(req)) } } : recordNotFound();
    }),
  );
}

/**
 * Search Users takes `query` (search syntax; `email:` and `external_id:` are honoured, plain text
 * matches an email or part of a name) or `external_id` (exact, no syntax), offset-paged.
 */
function searchUsers(req: SandboxRequest, store: ZendeskStore): SandboxResponse {
  const externalId = req.query.get('external_id');
  const query = req.query.get('query');
  let matches: UserRecord[];
  if (externalId !== null) matches = [store.userByExternalId(externalId)].filter((u) => u !== undefined);
  else if (query !== null) matches = matchQuery(store, query.trim());
  else return invalidValue(400, 'Provide a query or an external_id');

  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const perPage = Math.min(
    SEARCH_PAGE_SIZE,
    Math.max(1, Number(req.query.get('per_page') ?? SEARCH_PAGE_SIZE) || SEARCH_PAGE_SIZE),
  );
  const slice = matches.slice((page - 1) * perPage, page * perPage);
  const pageUrl = (n: number): string => {
    const params = new URLSearchParams(req.query);
    params.set('page', String(n));
    return `${apiBase(req)}/users/search.json?${params.toString()}`;
  };
  return {
    status: 200,
    body: {
      users: slice.map((u) => toUserJson(u, apiBase(req))),
      next_page: page * perPage < matches.length ? pageUrl(page + 1) : null,
      previous_page: page > 1 ? pageUrl(page - 1) : null,
      count: matches.length,
    },
  };
}

function matchQuery(store: ZendeskStore, query: string): UserRecord[] {
  const field = /^(email|external_id):(.+)$/i.exec(query);
  if (field?.[1]?.toLowerCase() === 'email') return [store.userByEmail(field[2] ?? '')].filter((u) => u !== undefined);
  if (field) return [store.userByExternalId(field[2] ?? '')].filter((u) => u !== undefined);
  const text = query.toLowerCase();
  return store.allUsers().filter((u) => u.email === text || u.name.toLowerCase().includes(text));
}

function idList(req: SandboxRequest, param: string): string[] {
  const raw = req.query.get(param) ?? '';
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The id in `/tickets/{id}` or `/tickets/{id}.json`; NaN (never found) when it is not a number. */
function recordId(req: SandboxRequest): number {
  const match = /^(\d+)(?:\.json)?$/.exec(req.params.id ?? '');
  return match ? Number(match[1]) : Number.NaN;
}

function tooManyIds(): SandboxResponse {
  return invalidValue(400, `Too many ids: at most ${MAX_SHOW_MANY_IDS} are allowed`);
}

import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readApiBudgets } from '../../lib/clients/api-budgets.js';
import type { StateStore } from '../../lib/clients/state-store.js';
import type { LocalService } from '../http-gateway.js';
import type { RunningHub } from '../hub.js';
import { refusal, type ConsoleGuard } from './guard.js';
import { consolePage } from './page.js';
import { queueDepths, redrive } from './queues.js';
import type { RecentRelays } from './relays.js';
import { listUsers, userView, type ConsoleSandbox } from './users.js';

/** What the console reads, and how it redrives a work queue's dead letters. */
export interface ConsoleContext {
  hub: Pick<RunningHub, 'url' | 'sqs' | 'queues' | 'definition'>;
  sandbox: ConsoleSandbox;
  relays: RecentRelays;
  store: StateStore;
  guard: ConsoleGuard;
}

const asset = (name: string): string => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
const ASSETS: Record<string, { type: string; body: string }> = {
  '/console/console.js': { type: 'text/javascript; charset=utf-8', body: asset('console.js') },
  '/console/console.css': { type: 'text/css; charset=utf-8', body: asset('console.css') },
};
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const REDRIVE_PATH = /^\/console\/api\/queues\/([A-Za-z0-9]+)\/redrive$/;
const USER_PATH = /^\/console\/api\/users\/([^/]+)$/;

/** The console on the hub's port: `GET /console`, its assets, `GET /console/api/…` and the redrive POST. */
export class ConsoleService implements LocalService {
  constructor(private readonly context: ConsoleContext) {}

  handles(_method: string, path: string): boolean {
    return path === '/console' || path.startsWith('/console/');
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const refused = refusal(method, req.headers, this.context.guard);
    if (refused) return send(res, refused.status, { message: refused.message });
    try {
      if (method === 'POST') return await this.post(res, url.pathname);
      return await this.get(res, url);
    } catch (error) {
      send(res, 500, { message: (error as Error).message });
    }
  }

  private async get(res: ServerResponse, url: URL): Promise<void> {
    const { hub, sandbox, relays, store, guard } = this.context;
    const path = url.pathname;
    const asset = ASSETS[path];
    if (asset) return send(res, 200, asset.body, asset.type);
    if (path === '/console' || path === '/console/')
      return send(res, 200, consolePage({ token: guard.token, hubUrl: hub.url }), 'text/html; charset=utf-8');
    if (path === '/console/api/users') return send(res, 200, listUsers(sandbox, url.searchParams.get('q') ?? ''));
    const user = USER_PATH.exec(path)?.[1];
    if (user) return send(res, 200, userView(sandbox, decodeURIComponent(user)));
    if (path === '/console/api/queues')
      return send(res, 200, await queueDepths(hub.sqs.client, hub.definition.queues, hub.queues));
    if (path === '/console/api/relays') return send(res, 200, relays.list());
    if (path === '/console/api/budgets') return send(res, 200, await readApiBudgets(store, process.env, Date.now()));
    send(res, 404, { message: 'Not Found' });
  }

  private async post(res: ServerResponse, path: string): Promise<void> {
    const logicalId = REDRIVE_PATH.exec(path)?.[1];
    const queue = this.context.hub.definition.queues.find((q) => q.logicalId === logicalId && q.deadLetter);
    if (!queue) return send(res, 404, { message: 'No work queue with a dead-letter queue by that id' });
    send(res, 200, await redrive(this.context.hub, queue.logicalId));
  }
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

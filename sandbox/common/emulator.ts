import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { decideFault, latencyMs, type FaultOptions, type LatencyOption } from './faults.js';
import { seededRandom, type Random } from './random.js';
import { Router, type SandboxRequest, type SandboxResponse } from './router.js';

/** Options every emulator takes. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; always loopback unless told otherwise. */
  host?: string;
  /** Seed for faults, latency and anything else drawn at random (default 1). */
  seed?: number;
  latency?: LatencyOption;
  faults?: FaultOptions;
}

/** One served call, as the counters keep it. */
export interface CallRecord {
  endpoint: string;
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface CallStats {
  total: number;
  byEndpoint: Record<string, number>;
}

/** What an emulator module hands to `startEmulator`. */
export interface EmulatorSpec {
  name: string;
  router: Router;
  /** Read-only snapshot of what the emulator holds, served at `GET /__sandbox/state`. */
  state(): unknown;
  /** Vendor-shaped body for an injected or unmatched-route error. */
  errorBody(status: number, message: string): unknown;
  /** Headers added to every answer (e.g. Salesforce's `Sforce-Limit-Info`). */
  headers?(): Record<string, string>;
  /** Clears held data back to the initial state. */
  reset?(): void;
  /** Extra read-only `GET /__sandbox/...` routes, served like the built-in ones: not counted, no faults. */
  inspection?: Router;
  /** Bytes of request URI plus headers the vendor accepts: over it, 414 for the URI alone, else 431. */
  maxRequestHeadBytes?: number;
}

export interface RunningEmulator {
  name: string;
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  url: string;
  port: number;
  random: Random;
  calls(): CallStats;
  /** Served calls by HTTP status (e.g. the 429s or 403s a rate limit answered), since the last reset. */
  callsByStatus(): Record<number, number>;
  callLog(): readonly CallRecord[];
  setFaults(faults: FaultOptions): void;
  setLatency(latency: LatencyOption | undefined): void;
  /** Forgets the call counters (held data stays). */
  resetCalls(): void;
  stop(): Promise<void>;
}

const CALL_LOG_LIMIT = 10_000;
// Node refuses heads over its own limit (16 KiB) with a bare 431 before any handler runs; a larger
// one lets the emulator tell a long URI (414) from long headers (431). Beyond it Node's 431 stands.
const NODE_MAX_HEADER_BYTES = 1024 * 1024;

const STATUS_TEXT: Record<number, string> = { 414: 'URI Too Long', 431: 'Request Header Fields Too Large' };

/** The status a request head over `limit` gets: 414 when its URI alone is over, else 431. */
function oversizedHead(req: IncomingMessage, limit: number | undefined): 414 | 431 | undefined {
  if (limit === undefined) return undefined;
  const uri = Buffer.byteLength(req.url ?? '', 'latin1');
  if (uri > limit) return 414;
  let head = uri;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    head += Buffer.byteLength(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`, 'latin1');
  return head > limit ? 431 : undefined;
}

/**
 * Serves an emulator's router on loopback, adding what all sandboxes share: latency, fault
 * injection, call counters and the read-only inspection routes under `/__sandbox/`.
 */
export async function startEmulator(spec: EmulatorSpec, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const random = seededRandom(options.seed ?? 1);
  let faults: FaultOptions = options.faults ?? {};
  let latency = options.latency;
  let log: CallRecord[] = [];
  const counts = new Map<string, number>();
  const statuses = new Map<number, number>();

  const record = (endpoint: string, req: IncomingMessage, path: string, status: number): void => {
    counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    log.push({ endpoint, method: req.method ?? 'GET', path, status, at: Date.now() });
    if (log.length > CALL_LOG_LIMIT) log = log.slice(-CALL_LOG_LIMIT / 2);
  };
  const stats = (): CallStats => ({
    total: [...counts.values()].reduce((a, b) => a + b, 0),
    byEndpoint: Object.fromEntries([...counts.entries()].sort()),
  });

  const inspection = new Router()
    .add('GET', '/__sandbox/calls', 'inspect', () => ({ status: 200, body: { ...stats(), recent: log.slice(-100) } }))
    .add('GET', '/__sandbox/state', 'inspect', () => ({ status: 200, body: spec.state() }))
    .add('GET', '/__sandbox/faults', 'inspect', () => ({ status: 200, body: { faults, latency: latency ?? 0 } }));

  const server = createServer(
    spec.maxRequestHeadBytes === undefined ? {} : { maxHeaderSize: NODE_MAX_HEADER_BYTES },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        send(res, { status: 500, body: spec.errorBody(500, error instanceof Error ? error.message : String(error)) });
      });
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    const inspect = inspection.match(method, url.pathname) ?? spec.inspection?.match(method, url.pathname);
    if (inspect && inspect !== 'methodNotAllowed') {
      send(res, await inspect.handler(await toRequest(req, url, inspect.params)));
      return;
    }
    const match = spec.router.match(method, url.pathname);
    const endpoint = match && match !== 'methodNotAllowed' ? match.name : 'unmatched';
    const oversized = oversizedHead(req, spec.maxRequestHeadBytes);
    if (oversized) {
      // Refused at the edge, before authentication: no API budget is spent.
      record(endpoint, req, url.pathname, oversized);
      send(res, { status: oversized, headers: { 'content-type': 'text/plain' }, body: STATUS_TEXT[oversized] });
      return;
    }
    const delay = latencyMs(latency, random);
    if (delay > 0) await sleep(delay);

    const fault = decideFault(faults, random, Date.now());
    if (fault.kind === 'hang') {
      record(endpoint, req, url.pathname, 0);
      setTimeout(() => req.socket.destroy(), fault.ms).unref();
      return;
    }
    let response: SandboxResponse;
    if (fault.kind === 'error') {
      response = { status: fault.status, body: spec.errorBody(fault.status, 'Injected fault: service unavailable') };
    } else if (match === undefined) {
      response = { status: 404, body: spec.errorBody(404, `No such endpoint: ${method} ${url.pathname}`) };
    } else if (match === 'methodNotAllowed') {
      response = { status: 405, body: spec.errorBody(405, `Method ${method} not allowed on ${url.pathname}`) };
    } else {
      response = await match.handler(await toRequest(req, url, match.params));
    }
    record(endpoint, req, url.pathname, response.status);
    send(res, { ...response, headers: { ...spec.headers?.(), ...response.headers } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';

  return {
    name: spec.name,
    url: `http://${host}:${port}`,
    port,
    random,
    calls: stats,
    callsByStatus: () => Object.fromEntries([...statuses.entries()].sort((a, b) => a[0] - b[0])),
    callLog: () => log,
    setFaults: (next) => {
      faults = next;
    },
    setLatency: (next) => {
      latency = next;
    },
    resetCalls: () => {
      counts.clear();
      statuses.clear();
      log = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function toRequest(req: IncomingMessage, url: URL, params: Record<string, string>): Promise<SandboxRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body = Buffer.concat(chunks);
  if (/gzip/i.test(String(req.headers['content-encoding'] ?? '')) && body.length > 0) body = gunzipSync(body);
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    params,
    body,
    text: () => body.toString('utf8'),
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  };
}

function send(res: ServerResponse, response: SandboxResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | Buffer | undefined;
  if (response.body === undefined) payload = undefined;
  else if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) payload = response.body;
  else {
    payload = JSON.stringify(response.body);
    headers['content-type'] ??= 'application/json;charset=UTF-8';
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

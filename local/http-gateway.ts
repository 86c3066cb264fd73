import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

export type HttpLambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface GatewayRoute {
  method: string;
  /** API Gateway path syntax: `/webhooks/{source}`, `/files/{proxy+}`. */
  path: string;
  functionName: string;
  timeoutSeconds: number;
  handler: HttpLambdaHandler;
}

// HTTP API limits: 10 MB payloads, 30 s integration timeout.
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const INTEGRATION_TIMEOUT_SECONDS = 30;

/** An API of its own on the gateway's port (e.g. the Lambda Invoke API), outside the HTTP API's routes. */
export interface LocalService {
  handles(method: string, path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

interface CompiledRoute extends GatewayRoute {
  pattern: RegExp;
  keys: string[];
}

/**
 * A local HTTP API (payload format 2.0): turns requests into the events API Gateway sends,
 * invokes the function, and turns its result into a response, with API Gateway's own answers
 * for an unknown route (404), a too-large body (413), a crash (500) and a timeout (503).
 */
export class HttpGateway {
  private readonly routes: CompiledRoute[];
  private readonly services: LocalService[];
  private server: Server | undefined;

  constructor(routes: readonly GatewayRoute[], services: readonly LocalService[] = []) {
    this.services = [...services];
    this.routes = routes.map((route) => {
      const keys: string[] = [];
      const source = route.path.replace(/\{([^}+]+)(\+?)\}/g, (_, key: string, greedy: string) => {
        keys.push(key);
        return greedy ? '(.+)' : '([^/]+)';
      });
      return { ...route, pattern: new RegExp(`^${source}$`), keys };
    });
  }

  /** Serves one more local service on the gateway's port, e.g. one built once the hub runs. */
  serve(service: LocalService): void {
    this.services.push(service);
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => reply(res, 500, { message: 'Internal Server Error' }));
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    const service = this.services.find((candidate) => candidate.handles(method, url.pathname));
    if (service) return service.handle(req, res, url);
    const found = this.match(method, url.pathname);
    if (!found) return reply(res, 404, { message: 'Not Found' });
    const body = await readBody(req);
    if (body === 'too-large') return reply(res, 413, { message: 'Request Entity Too Large' });

    const { route, pathParameters } = found;
    const event = toEvent(req, url, route, pathParameters, body);
    const timeoutSeconds = Math.min(route.timeoutSeconds, INTEGRATION_TIMEOUT_SECONDS);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
    });
    try {
      const result = await Promise.race([
        route.handler(event, lambdaContext(route.functionName, Date.now() + timeoutSeconds * 1000)),
        timeout,
      ]);
      if (result === 'timeout') return reply(res, 503, { message: 'Service Unavailable' });
      sendResult(res, result);
    } catch (error) {
      process.stderr.write(
        `[${route.functionName}] unhandled error: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      reply(res, 500, { message: 'Internal Server Error' });
    } finally {
      clearTimeout(timer);
    }
  }

  private match(
    method: string,
    path: string,
  ): { route: CompiledRoute; pathParameters: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== '*' && route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const pathParameters = Object.fromEntries(
        route.keys.map((key, i) => [key, decodeURIComponent(found[i + 1] ?? '')]),
      );
      return { route, pathParameters };
    }
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|soap\+xml|[\w.+-]*\+json|[\w.+-]*\+xml))/i;

function toEvent(
  req: IncomingMessage,
  url: URL,
  route: CompiledRoute,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const contentType = headers['content-type'] ?? '';
  // HTTP APIs pass text bodies as is and base64-encode anything else.
  const isBase64Encoded = body.length > 0 && !TEXT_TYPES.test(contentType);
  const now = new Date();
  const routeKey = `${route.method === '*' ? 'ANY' : route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(url.search
      ? {
          queryStringParameters: Object.fromEntries(
            [...url.searchParams.keys()].map((key) => [key, url.searchParams.getAll(key).join(',')]),
          ),
        }
      : {}),
    ...(route.keys.length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isBase64Encoded ? body.toString('base64') : body.toString('utf8') } : {}),
    isBase64Encoded,
  };
}

/** API Gateway's reading of a function result: a structured result, or any value as a JSON 200. */
function sendResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const headers: Record<string, string | string[]> = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    const body =
      result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(body);
    return;
  }
  reply(res, 200, result);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

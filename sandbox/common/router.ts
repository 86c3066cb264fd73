import type { IncomingHttpHeaders } from 'node:http';

/** What a route handler sees of a request. `body` is already gunzipped. */
export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
  body: Buffer;
  text(): string;
  /** Parses the body as JSON; throws `SyntaxError` on bad JSON. */
  json<T = unknown>(): T;
}

/** A route's answer: an object body is sent as JSON, a string or Buffer as is. */
export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type RouteHandler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

interface Route {
  method: string;
  /** The endpoint's name in the call counters, e.g. `sobjects.upsert`. */
  name: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

export interface RouteMatch {
  name: string;
  params: Record<string, string>;
  handler: RouteHandler;
}

/**
 * Method + path router. Patterns use `:name` for one path segment and `*name` for the rest of
 * the path, e.g. `/services/data/:version/sobjects/:object/:field/:value`.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, name: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          keys.push(segment.slice(1));
          return '([^/]+)';
        }
        if (segment.startsWith('*')) {
          keys.push(segment.slice(1));
          return '(.+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method: method.toUpperCase(), name, pattern: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  /** The route for a method and path; `methodNotAllowed` when only the method differs. */
  match(method: string, path: string): RouteMatch | 'methodNotAllowed' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== method.toUpperCase()) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        params[key] = decodeURIComponent(found[i + 1] ?? '');
      });
      return { name: route.name, params, handler: route.handler };
    }
    return pathMatched ? 'methodNotAllowed' : undefined;
  }
}

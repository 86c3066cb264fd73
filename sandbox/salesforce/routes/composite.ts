import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { latencyMs } from '../../common/faults.js';
import { Router, type RouteHandler, type SandboxRequest } from '../../common/router.js';
import { restError } from '../errors.js';
import type { SalesforceOrg } from '../org.js';
import { collectionRoutes } from './collections.js';
import { readJson } from './common.js';
import { queryRoutes } from './query.js';
import { sobjectRoutes } from './sobjects.js';

/** Composite takes ≤ 25 subrequests, of which ≤ 5 sObject Collections or queries (Query, QueryAll, more). */
export const MAX_SUBREQUESTS = 25;
export const MAX_COLLECTIONS_OR_QUERIES = 5;

const Subrequest = z.object({
  method: z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']),
  url: z.string().startsWith('/services/data/'),
  // Letters, digits and underscores only.
  referenceId: z.string().regex(/^\w+$/),
  body: z.unknown().optional(),
  httpHeaders: z.record(z.string(), z.string()).optional(),
});
const CompositeBody = z.object({
  allOrNone: z.boolean().optional().default(false),
  collateSubrequests: z.boolean().optional(),
  compositeRequest: z.array(Subrequest).min(1),
});
type Subrequest = z.infer<typeof Subrequest>;

interface SubResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

const ROUTE_VERSION = /^\/services\/data\/(v\d+\.\d)(\/.*)$/;
const REFERENCE = /@\{(\w+)((?:\.\w+|\[\d+\])*)\}/g;

const halted = (referenceId: string, message: string): SubResult => ({
  body: [{ errorCode: 'PROCESSING_HALTED', message }],
  httpHeaders: {},
  httpStatusCode: 400,
  referenceId,
});

/** A value inside an earlier subrequest's answer: `.field` and `[n]` steps, as `@{ref.field}` names them. */
function lookUp(body: unknown, path: string): unknown {
  let value = body;
  for (const [, field, index] of path.matchAll(/\.(\w+)|\[(\d+)\]/g)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[field ?? index ?? ''];
  }
  return value;
}

/**
 * `@{ref.path}` in a subrequest's URL or body, replaced by the value of an earlier successful
 * subrequest's answer; a reference to nothing (or to a failure) halts this subrequest.
 */
function resolveReferences(text: string, done: Map<string, SubResult>): string | { unresolved: string } {
  let unresolved: string | undefined;
  const resolved = text.replace(REFERENCE, (whole, ref: string, path: string) => {
    const earlier = done.get(ref);
    const value = earlier && earlier.httpStatusCode < 300 ? lookUp(earlier.body, path) : undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    unresolved ??= whole;
    return whole;
  });
  return unresolved === undefined ? resolved : { unresolved };
}

const countsAgainstFive = (sub: Subrequest): boolean =>
  /\/composite\/sobjects(\/|$|\?)/.test(sub.url) || /\/(query|queryAll)(\/|\?|$)/.test(sub.url);

/**
 * The Composite resource: up to 25 subrequests in one API call (one call against the budget and
 * the rate cap), run in order against the same sObject, sObject Collections and SOQL resources.
 * `@{ref.field}` references are resolved; with `allOrNone` a failure rolls every subrequest back
 * and the others answer 400 PROCESSING_HALTED. Each subrequest after the first holds the call for
 * the org's composite subrequest time (Salesforce processes them one after another).
 */
export function compositeRoutes(
  router: Router,
  org: SalesforceOrg,
  wrap: (handler: RouteHandler) => RouteHandler,
): void {
  // The subrequests reach the resources unguarded: the composite call was authorised and counted once.
  const inner = new Router();
  const unguarded = (handler: RouteHandler): RouteHandler => handler;
  sobjectRoutes(inner, org, unguarded);
  collectionRoutes(inner, org, unguarded);
  queryRoutes(inner, org, unguarded);

  router.add(
    'POST',
    '/services/data/:version/composite',
    'composite',
    wrap(async (req) => {
      const parsed = readJson(req);
      if ('response' in parsed) return parsed.response;
      const body = CompositeBody.safeParse(parsed.body);
      if (!body.success) {
        const issue = body.error.issues[0];
        return restError(
          400,
          'JSON_PARSER_ERROR',
          `Cannot deserialize the composite request: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`,
        );
      }
      const subrequests = body.data.compositeRequest;
      if (subrequests.length > MAX_SUBREQUESTS)
        return restError(400, 'LIMIT_EXCEEDED', `A composite request takes at most ${MAX_SUBREQUESTS} subrequests`);
      if (subrequests.filter(countsAgainstFive).length > MAX_COLLECTIONS_OR_QUERIES)
        return restError(
          400,
          'LIMIT_EXCEEDED',
          `A composite request takes at most ${MAX_COLLECTIONS_OR_QUERIES} sObject Collections or query subrequests`,
        );
      const ids = new Set(subrequests.map((sub) => sub.referenceId));
      if (ids.size !== subrequests.length)
        return restError(400, 'JSON_PARSER_ERROR', 'Each subrequest needs a referenceId of its own');
      const extra = latencyMs(org.usage.compositeSubrequestMs, org.random()) * (subrequests.length - 1);
      if (extra > 0) await sleep(extra);
      const results = body.data.allOrNone
        ? org.store.atomically(() => {
            const all = runInOrder(inner, req, subrequests);
            const failed = all.find((result) => result.httpStatusCode >= 300);
            if (!failed) return { commit: true, result: all };
            const rolledBack =
              'The transaction was rolled back since another operation in the same transaction failed.';
            return {
              commit: false,
              result: all.map((result) => (result === failed ? result : halted(result.referenceId, rolledBack))),
            };
          })
        : runInOrder(inner, req, subrequests);
      return { status: 200, body: { compositeResponse: results } };
    }),
  );
}

/** Each subrequest in order, with earlier answers available to its references. */
function runInOrder(inner: Router, outer: SandboxRequest, subrequests: readonly Subrequest[]): SubResult[] {
  const done = new Map<string, SubResult>();
  return subrequests.map((sub) => {
    const result = runOne(inner, outer, sub, done);
    done.set(sub.referenceId, result);
    return result;
  });
}

function runOne(inner: Router, outer: SandboxRequest, sub: Subrequest, done: Map<string, SubResult>): SubResult {
  const url = resolveReferences(sub.url, done);
  const text = sub.body === undefined ? '' : resolveReferences(JSON.stringify(sub.body), done);
  if (typeof url !== 'string' || typeof text !== 'string') {
    const unresolved = typeof url === 'string' ? (text as { unresolved: string }).unresolved : url.unresolved;
    return halted(sub.referenceId, `Invalid reference specified. No value for ${unresolved} found.`);
  }
  const target = new URL(url, 'http://composite');
  const versioned = ROUTE_VERSION.exec(target.pathname);
  const match = versioned ? inner.match(sub.method, target.pathname) : undefined;
  if (!match || match === 'methodNotAllowed') {
    const answer = restError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return { body: answer.body, httpHeaders: {}, httpStatusCode: 404, referenceId: sub.referenceId };
  }
  const buffer = Buffer.from(text);
  const request: SandboxRequest = {
    method: sub.method,
    path: target.pathname,
    query: target.searchParams,
    headers: { ...outer.headers, ...lowerCased(sub.httpHeaders ?? {}) },
    params: match.params,
    body: buffer,
    text: () => buffer.toString('utf8'),
    json: <T>() => JSON.parse(buffer.toString('utf8')) as T,
  };
  const answer = match.handler(request);
  // Every resource a subrequest may name answers synchronously; a rollback needs that.
  if (answer instanceof Promise) throw new Error(`${sub.method} ${target.pathname} cannot run inside composite`);
  return {
    body: answer.body ?? null,
    httpHeaders: answer.headers ?? {},
    httpStatusCode: answer.status,
    referenceId: sub.referenceId,
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

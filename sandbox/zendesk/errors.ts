import type { SandboxResponse } from '../common/router.js';

/** Zendesk's answer to a missing or wrong credential (same body for Basic and Bearer). */
export function unauthorized(): SandboxResponse {
  return { status: 401, body: { error: "Couldn't authenticate you" } };
}

/** A record id that does not exist (api-reference/introduction/requests, "RecordNotFound"). */
export function recordNotFound(): SandboxResponse {
  return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
}

/** A query parameter Zendesk refuses, e.g. a `start_time` inside the export lag. */
export function invalidValue(status: 400 | 422, description: string): SandboxResponse {
  return { status, body: { error: 'InvalidValue', description } };
}

/**
 * Over the per-minute budget. Zendesk answers in plain text, not JSON, with the seconds to wait in
 * `Retry-After` (api-reference/introduction/rate-limits; body as observed in the wild).
 */
export function rateLimited(retryAfterSeconds: number): SandboxResponse {
  return {
    status: 429,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(retryAfterSeconds) },
    body: 'Number of allowed API requests per minute exceeded',
  };
}

/** The vendor-shaped body for unmatched routes and injected faults. */
export function errorBody(status: number, message: string): unknown {
  if (status === 404 || status === 405) return { error: 'InvalidEndpoint', description: 'Not found' };
  return { error: status >= 500 ? 'ServiceUnavailable' : 'InvalidRequest', description: message };
}

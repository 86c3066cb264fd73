import { PermanentError, RetryableError } from '../../errors.js';
import { asText } from '../../text.js';

/**
 * Turns a non-2xx Zendesk answer into the hub's two kinds of failure:
 * - 429 → retryable, waiting `Retry-After` seconds (api-reference/introduction/rate-limits);
 * - 5xx → retryable (with `Retry-After` when a 503 sends one);
 * - 401/403 → retryable: a revoked or rotated token is fixed by an operator, and the messages
 *   wait in the queue meanwhile instead of being dead-lettered;
 * - any other 4xx → permanent: the request itself is wrong.
 * A 404 on a single-record show means "absent" and is handled by the caller before this.
 */
export function classifyResponse(
  status: number,
  retryAfter: string | null,
  body: string,
  what: string,
): RetryableError | PermanentError {
  const detail = describe(body);
  const seconds = parseRetryAfter(retryAfter);
  const wait = seconds === undefined ? {} : { retryAfterSeconds: seconds };
  const prefix = `Zendesk answered ${status} to ${what}`;
  if (status === 429) {
    return new RetryableError(
      `${prefix}: rate limit reached${seconds === undefined ? '' : `, retry after ${seconds} s`}: ${detail}`,
      { ...wait, rateLimited: true },
    );
  }
  if (status === 401 || status === 403) {
    return new RetryableError(
      `${prefix}: the credentials were refused; check ZENDESK_EMAIL and ZENDESK_API_TOKEN ` +
        `(an agent's API token with access); retrying until they are fixed: ${detail}`,
      wait,
    );
  }
  if (status >= 500) return new RetryableError(`${prefix}: ${detail}`, wait);
  return new PermanentError(`${prefix}: ${detail}`, { code: `ZENDESK_${status}` });
}

/** A request that got no answer: the connection failed or the timeout passed. Always retryable. */
export function transportFailure(error: unknown, what: string, timeoutMs: number): RetryableError {
  // Duck-typed: fetch's DOMException may come from another realm (e.g. under jest's VM modules).
  const { name, message, cause } = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    cause?: { message?: unknown };
  };
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RetryableError(`Zendesk did not answer ${what} within ${timeoutMs} ms`, { cause: error });
  }
  const why = typeof cause?.message === 'string' ? ` (${cause.message})` : '';
  return new RetryableError(
    `Zendesk could not be reached for ${what}: ${typeof message === 'string' ? message : String(error)}${why}`,
    { cause: error },
  );
}

/** `Retry-After` is delay-seconds or an HTTP date (RFC 9110 §10.2.3); Zendesk sends seconds. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** Zendesk errors are `{"error": ..., "description": ...}` JSON or, for 429, plain text. */
function describe(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: unknown; description?: unknown };
    if (json.error !== undefined) {
      const error = asText(json.error);
      return json.description === undefined ? error : `${error}: ${asText(json.description)}`;
    }
  } catch {
    // not JSON: fall through to the text
  }
  return body.trim().slice(0, 200) || '(empty body)';
}

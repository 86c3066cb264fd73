import { Readable } from 'node:stream';
import { PermanentError, RetryableError } from '../errors.js';

/** One page of the app's HTTPS export: its NDJSON body as a stream, and the next page's URL or null on the last. */
export interface ExportPage {
  body: Readable;
  next: string | null;
}

type Fetch = typeof fetch;

/**
 * One page of the app's paged NDJSON export: `GET url` with `Authorization: Bearer <token>`; the
 * next page is the `Link: <…>; rel="next"` target (RFC 8288; relative targets resolve against the
 * page's URL). The timeout covers the whole page, body included. The token goes in the header only,
 * never into a message, and never to another origin: a `next` link elsewhere is refused.
 */
export async function fetchExportPage(
  url: string,
  token: string,
  fetchImpl: Fetch = fetch,
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
): Promise<ExportPage> {
  const what = describeUrl(url);
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw transportFailure(error, what, timeoutMs);
  }
  // Redirects were followed: links are relative to where the page came from.
  const base = response.url || url;
  const next = response.ok ? nextLink(response.headers.get('link'), base) : null;
  const refusal = refused(response, what, next !== null && new URL(next).origin !== new URL(base).origin);
  if (refusal) {
    await response.body?.cancel().catch(() => undefined);
    throw refusal;
  }
  const body = response.body;
  return {
    body: body ? Readable.from(guarded(body, what, timeoutMs), { objectMode: false }) : Readable.from([]),
    next,
  };
}

/** Why an answer cannot be read as a page, if it cannot. */
function refused(response: Response, what: string, linksAway: boolean): PermanentError | RetryableError | undefined {
  if (!response.ok) return httpFailure(response, what);
  // A login page or a proxy's error page answered 200 would otherwise read as rows of invalid JSON.
  if (/text\/html/i.test(response.headers.get('content-type') ?? ''))
    return new PermanentError(`The usage export at ${what} answered with an HTML page, not NDJSON`, {
      code: 'USAGE_EXPORT_NOT_NDJSON',
    });
  // The bearer token must not travel to a host it was not issued for.
  if (linksAway)
    return new PermanentError(`The usage export at ${what} links its next page to another origin`, {
      code: 'USAGE_EXPORT_LINK',
    });
  return undefined;
}

/** The body's bytes, with a failure mid-body (a reset, the timeout) classified like one before it. */
async function* guarded(body: ReadableStream<Uint8Array>, what: string, timeoutMs: number): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  } catch (error) {
    throw transportFailure(error, what, timeoutMs);
  }
}

// RFC 8288 §3: `<target>` then `; name=value` parameters, where a quoted value may hold `,` and `;`.
const LINK = /<([^>]*)>((?:\s*;\s*[^;,="\s]+\s*(?:=\s*(?:"(?:[^"\\]|\\.)*"|[^;,"\s]*))?)*)/g;
const LINK_PARAM = /;\s*([^;,="\s]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,"\s]*)))?/g;

/** The `rel="next"` target of an RFC 8288 `Link` header, resolved against `base`; null when there is none. */
export function nextLink(header: string | null, base: string): string | null {
  if (!header) return null;
  for (const [, target = '', params = ''] of header.matchAll(LINK)) {
    for (const [, name = '', quoted, bare] of params.matchAll(LINK_PARAM)) {
      const relations = (quoted ?? bare ?? '').toLowerCase().split(/\s+/);
      if (name.toLowerCase() !== 'rel' || !relations.includes('next')) continue;
      try {
        return new URL(target, base).href;
      } catch {
        throw new PermanentError(`The usage export's next-page link is not a URL`, { code: 'USAGE_EXPORT_LINK' });
      }
    }
  }
  return null;
}

/**
 * 401/403: the token is wrong or revoked, which only an operator can fix; 404: no export there;
 * 408, 429 and 5xx are worth retrying after `Retry-After`; any other 4xx is a wrong request.
 */
function httpFailure(response: Response, what: string): PermanentError | RetryableError {
  const { status } = response;
  if (status === 401 || status === 403)
    return new PermanentError(`The export token was refused by ${what} (HTTP ${status})`, {
      code: 'USAGE_EXPORT_TOKEN',
    });
  if (status === 404)
    return new PermanentError(`No usage export at ${what} (HTTP 404)`, { code: 'USAGE_EXPORT_NOT_FOUND' });
  if (status === 408 || status === 429 || status >= 500) {
    const seconds = retryAfterSeconds(response.headers.get('retry-after'));
    return new RetryableError(
      `The usage export at ${what} answered HTTP ${status}${seconds === undefined ? '' : `; retry after ${seconds} s`}`,
      seconds === undefined ? {} : { retryAfterSeconds: seconds },
    );
  }
  return new PermanentError(`The usage export at ${what} refused the request (HTTP ${status})`, {
    code: `USAGE_EXPORT_${status}`,
  });
}

/** A request that got no answer, or whose body broke off: always retryable. */
function transportFailure(error: unknown, what: string, timeoutMs: number): RetryableError {
  // Duck-typed: fetch's DOMException may come from another realm (e.g. under jest's VM modules).
  const { name, message, cause } = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    cause?: { message?: unknown };
  };
  if (name === 'TimeoutError' || name === 'AbortError')
    return new RetryableError(`The usage export at ${what} did not answer within ${timeoutMs} ms`, { cause: error });
  const why = typeof cause?.message === 'string' ? ` (${cause.message})` : '';
  return new RetryableError(
    `The usage export at ${what} could not be reached: ${typeof message === 'string' ? message : String(error)}${why}`,
    { cause: error },
  );
}

/** `Retry-After` is delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterSeconds(value: string | null, nowMs = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** The URL as messages show it: origin and path, without the query (a cursor, or a key someone put there). */
function describeUrl(url: string): string {
  try {
    const { origin, pathname } = new URL(url);
    return `${origin}${pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

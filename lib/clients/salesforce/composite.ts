import { PermanentError, RetryableError } from '../../errors.js';
import type { HttpRequest } from 'jsforce';
import { isTransientStatus } from './transient-status.js';

/**
 * Composite takes at most 5 sObject Collections or query subrequests (of its 25), and the whole
 * call counts as one API request: 5 collections of 200 records cost one call instead of five.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_post.htm
 */
export const MAX_COLLECTIONS_PER_CALL = 5;

/** One subrequest: its URL from `/services/data/vXX.X` on, and a JSON body already serialised. */
export interface Subrequest {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  json?: string;
}

/** A subrequest's answer: its body, or its failure classified like a whole call's. */
export type SubAnswer = { ok: true; body: unknown } | { ok: false; error: RetryableError | PermanentError };

/** What sends the composite call: the org's session, which classifies a whole-call failure. */
export interface CompositeSender {
  request<T>(request: HttpRequest): Promise<T>;
}

interface CompositeAnswer {
  compositeResponse?: Array<{ body?: unknown; httpStatusCode?: number; referenceId?: string }>;
}

/**
 * Sends the subrequests as one composite call, run in the order given (`collateSubrequests`
 * false: a later collection may repeat an earlier one's external id, and the last write must win)
 * and independently (`allOrNone` false). A whole-call failure is thrown, classified by the session.
 */
export async function sendComposite(
  session: CompositeSender,
  subrequests: readonly Subrequest[],
): Promise<SubAnswer[]> {
  const parts = subrequests.map(
    (sub, i) =>
      `{"method":"${sub.method}","url":${JSON.stringify(sub.url)},"referenceId":"r${i}"` +
      `${sub.json === undefined ? '' : `,"body":${sub.json}`}}`,
  );
  const answer = await session.request<CompositeAnswer>({
    method: 'POST',
    url: '/composite',
    headers: { 'content-type': 'application/json' },
    body: `{"allOrNone":false,"collateSubrequests":false,"compositeRequest":[${parts.join(',')}]}`,
  });
  const byReference = new Map((answer?.compositeResponse ?? []).map((result) => [result.referenceId, result]));
  return subrequests.map((_, i): SubAnswer => {
    const result = byReference.get(`r${i}`);
    if (!result || typeof result.httpStatusCode !== 'number')
      return {
        ok: false,
        error: new RetryableError(`Salesforce's composite answer has no result for subrequest ${i}`),
      };
    if (result.httpStatusCode < 300) return { ok: true, body: result.body };
    return { ok: false, error: subrequestFailure(result.httpStatusCode, result.body) };
  });
}

/** A failed subrequest: its status and first `{errorCode, message}`, retryable where a whole call's would be. */
function subrequestFailure(status: number, body: unknown): RetryableError | PermanentError {
  const first = (Array.isArray(body) ? body[0] : body) as { errorCode?: unknown; message?: unknown } | undefined;
  const code = typeof first?.errorCode === 'string' ? first.errorCode : `HTTP_${status}`;
  const text = typeof first?.message === 'string' ? first.message : 'no message';
  const message = `Salesforce answered ${status} ${code}: ${text}`;
  // PROCESSING_HALTED: another subrequest stopped this one; it may succeed on its own.
  if (isTransientStatus(status) || code === 'PROCESSING_HALTED') return new RetryableError(message);
  return new PermanentError(message, { code });
}

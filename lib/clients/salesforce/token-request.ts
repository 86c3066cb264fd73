import type { HttpResponse } from 'jsforce';

/**
 * What went wrong, from what Salesforce answered: the status, then the OAuth `error` and
 * `error_description`, or the `errorCode` and `message` of a REST error body. Any other body (a
 * proxy's HTML page) is left out; so is the request, which carries the client secret.
 */
export function describeTokenFailure(error: unknown, answer: HttpResponse | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof NoAnswerInTime) return message;
  if (answer === undefined) return `no answer (${message})`;
  if (answer.statusCode < 400) return message;
  const body = parseJson(answer.body);
  const fields = ((Array.isArray(body) ? body[0] : body) ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const detail = [text(fields.error) ?? text(fields.errorCode), text(fields.error_description) ?? text(fields.message)];
  return [`HTTP ${answer.statusCode}`, detail.filter(Boolean).join(': ')].filter(Boolean).join(' ');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

class NoAnswerInTime extends Error {}

/** The token request's answer, or a failure after `ms` (jsforce's OAuth2 has no timeout of its own). */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswerInTime(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

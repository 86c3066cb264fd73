import type { SandboxResponse } from '../common/router.js';

/** One rejected event of an `/import` batch, as `failed_records` lists it. */
export interface FailedRecord {
  index: number;
  /** The API names this key `insert_id` (docs.mixpanel.com troubleshooting/errors/400-bad-request). */
  insert_id: string;
  field: string;
  message: string;
}

export const RATE_LIMIT_MESSAGE = 'Project exceeded rate limits. Please retry the request with exponential backoff.';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The `{code, error, status}` shape the `/import` endpoint answers errors with. */
export function importError(code: number, error: string): SandboxResponse {
  return { status: code, body: { code, error, status: STATUS_TEXT[code] ?? 'Error' } };
}

/** `/import` answer: 200 when every record was accepted, else 400 listing the failed ones. */
export function importResult(imported: number, failed: FailedRecord[]): SandboxResponse {
  if (failed.length === 0) return { status: 200, body: { code: 200, num_records_imported: imported, status: 'OK' } };
  return {
    status: 400,
    body: {
      code: 400,
      error: 'some data points in the request failed validation',
      failed_records: failed,
      num_records_imported: imported,
      status: 'Bad Request',
    },
  };
}

/**
 * `/engage` and `/groups` answer: `1` when at least one update was valid, else `0`; with
 * `verbose=1` the JSON `{status, error}` instead (docs.mixpanel.com reference/ingestion-api, "verbose").
 */
export function profileResult(ok: boolean, error: string | null, verbose: boolean, httpStatus = 200): SandboxResponse {
  if (verbose) return { status: httpStatus, body: { error: ok ? null : error, status: ok ? 1 : 0 } };
  return { status: httpStatus, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: ok ? '1' : '0' };
}

/** Rate-limited profile call: the JSON shape Mixpanel sends outside `/import` (seen in mixpanel-node#231). */
export function profileRateLimited(): SandboxResponse {
  return { status: 429, body: { error: RATE_LIMIT_MESSAGE, status: 0 } };
}

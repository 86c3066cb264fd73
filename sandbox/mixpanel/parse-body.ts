import type { SandboxRequest } from '../common/router.js';

export type Parsed = { ok: true; records: unknown[] } | { ok: false; error: string };

const isNdjson = (req: SandboxRequest): boolean =>
  /application\/x-ndjson/i.test(String(req.headers['content-type'] ?? ''));
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * An `/import` body: a JSON array, or newline-delimited JSON when `Content-Type` is
 * `application/x-ndjson` (reference/import-events, "Request Format"). Gzip is already undone.
 */
export function parseImportBody(req: SandboxRequest): Parsed {
  const text = req.text();
  try {
    if (isNdjson(req)) {
      const lines = text.split('\n').filter((line) => line.trim() !== '');
      return { ok: true, records: lines.map((line) => JSON.parse(line) as unknown) };
    }
    return { ok: true, records: asList(JSON.parse(text)) };
  } catch (error) {
    return { ok: false, error: `unable to parse request body: ${(error as Error).message}` };
  }
}

/**
 * An `/engage` or `/groups` body: a JSON array (or one update) as `application/json`, or the form
 * field `data` holding JSON or base64 JSON as the official SDKs send it, or `?data=` on the URL.
 */
export function parseProfileBody(req: SandboxRequest): Parsed {
  const form = /application\/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? ''));
  const data = form
    ? new URLSearchParams(req.text()).get('data')
    : req.body.length === 0
      ? req.query.get('data')
      : null;
  try {
    if (data === null) return { ok: true, records: asList(JSON.parse(req.text())) };
    const trimmed = data.trim();
    const json =
      trimmed.startsWith('[') || trimmed.startsWith('{') ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8');
    return { ok: true, records: asList(JSON.parse(json)) };
  } catch (error) {
    return { ok: false, error: `unable to parse request body: ${(error as Error).message}` };
  }
}

/** `verbose=1` on the URL or in the form body asks for `{status, error}` instead of `1`/`0`. */
export function wantsVerbose(req: SandboxRequest): boolean {
  if (req.query.get('verbose') === '1') return true;
  const form = /application\/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? ''));
  return form && new URLSearchParams(req.text()).get('verbose') === '1';
}

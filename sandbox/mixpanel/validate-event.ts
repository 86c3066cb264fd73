import type { MixpanelLimits } from './config.js';

/**
 * Values refused as `distinct_id` and `$insert_id`, compared case-insensitively
 * (docs.mixpanel.com reference/import-events, "properties.distinct_id").
 */
export const PLACEHOLDER_IDS: ReadonlySet<string> = new Set([
  '00000000-0000-0000-0000-000000000000',
  'anon',
  'anonymous',
  'nil',
  'none',
  'null',
  'n/a',
  'na',
  'undefined',
  'unknown',
  '<nil>',
  '0',
  '-1',
  'true',
  'false',
  '[]',
  '{}',
]);

const EARLIEST_MS = Date.UTC(1971, 0, 1);
const FUTURE_SLACK_MS = 60 * 60 * 1000;
const MAX_INSERT_ID_BYTES = 36;
const MAX_NESTING_DEPTH = 3;

/**
 * `time` in seconds or milliseconds → milliseconds. Every accepted time is below 1e10 in seconds
 * (year 2286) and at or above it in milliseconds (April 1970), so the threshold never misreads one.
 */
export function toMillis(time: number): number {
  return Math.abs(time) >= 1e10 ? Math.round(time) : Math.round(time * 1000);
}

/** An event that passed validation, with its deduplication fields pulled out. */
export interface ValidEvent {
  event: string;
  properties: Record<string, unknown>;
  timeMs: number;
  distinctId: string;
  /** Absent only when the caller allowed it (non-strict import). */
  insertId: string | undefined;
}

export type EventValidation =
  { ok: true; value: ValidEvent } | { ok: false; field: string; message: string; insertId: string };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const invalid = (field: string, reason: string, insertId: string): EventValidation => ({
  ok: false,
  field,
  message: `'${field}' is invalid: ${reason}`,
  insertId,
});

/**
 * Checks one `/import` record against the documented rules: event name, `time` from 1971 to one
 * hour ahead, a non-placeholder `distinct_id`, a short `$insert_id` of `[A-Za-z0-9-]`, and the
 * size, property-count and nesting limits.
 */
export function validateEvent(
  raw: unknown,
  limits: MixpanelLimits,
  now: number,
  requireInsertId: boolean,
): EventValidation {
  const properties = isPlainObject(raw) && isPlainObject(raw.properties) ? raw.properties : undefined;
  const rawInsertId = properties?.$insert_id;
  const insertId = typeof rawInsertId === 'string' || typeof rawInsertId === 'number' ? String(rawInsertId) : '';
  if (!isPlainObject(raw)) return invalid('event', 'each record must be an object with event and properties', insertId);
  if (typeof raw.event !== 'string' || raw.event === '')
    return invalid('event', 'must be a non-empty string', insertId);
  if (!properties) return invalid('properties', 'must be an object', insertId);
  if (Buffer.byteLength(JSON.stringify(raw)) >= limits.maxRecordBytes) {
    return invalid(
      'properties',
      `event must be smaller than ${limits.maxRecordBytes} bytes of uncompressed JSON`,
      insertId,
    );
  }
  if (Object.keys(properties).length >= limits.maxProperties) {
    return invalid('properties', `must have fewer than ${limits.maxProperties} properties`, insertId);
  }
  for (const [name, value] of Object.entries(properties)) {
    const problem = shapeProblem(value, limits.maxProperties, 1);
    if (problem) return invalid(`properties.${name}`, problem, insertId);
  }

  const { time, distinct_id: distinctId } = properties;
  if (typeof time !== 'number' || !Number.isFinite(time)) {
    return invalid('properties.time', 'must be specified as seconds since epoch', insertId);
  }
  const timeMs = toMillis(time);
  if (timeMs < EARLIEST_MS) return invalid('properties.time', 'must not be before 1971-01-01', insertId);
  if (timeMs > now + FUTURE_SLACK_MS)
    return invalid('properties.time', 'must not be more than 1 hour in the future', insertId);

  if (typeof distinctId !== 'string' && typeof distinctId !== 'number') {
    return invalid('properties.distinct_id', 'must be specified', insertId);
  }
  if (PLACEHOLDER_IDS.has(String(distinctId).toLowerCase())) {
    return invalid('properties.distinct_id', `'${String(distinctId)}' is not allowed as an id`, insertId);
  }

  if (rawInsertId === undefined && !requireInsertId) {
    return {
      ok: true,
      value: { event: raw.event, properties, timeMs, distinctId: String(distinctId), insertId: undefined },
    };
  }
  if (typeof rawInsertId !== 'string' || rawInsertId === '')
    return invalid('$insert_id', 'must be specified', insertId);
  if (Buffer.byteLength(rawInsertId) > MAX_INSERT_ID_BYTES) {
    return invalid('$insert_id', `must be at most ${MAX_INSERT_ID_BYTES} bytes`, insertId);
  }
  if (!/^[A-Za-z0-9-]+$/.test(rawInsertId)) {
    return invalid('$insert_id', "must only contain alphanumeric or hyphen '-' characters", insertId);
  }
  if (PLACEHOLDER_IDS.has(rawInsertId.toLowerCase())) {
    return invalid('$insert_id', `'${rawInsertId}' is not allowed as an id`, insertId);
  }
  return {
    ok: true,
    value: { event: raw.event, properties, timeMs, distinctId: String(distinctId), insertId: rawInsertId },
  };
}

/** Nested objects must have fewer than `max` keys and nest at most 3 deep; arrays fewer than `max` elements. */
function shapeProblem(value: unknown, max: number, depth: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_NESTING_DEPTH) return `must not nest more than ${MAX_NESTING_DEPTH} levels deep`;
  const children = Array.isArray(value) ? value : Object.values(value);
  if (children.length >= max) {
    return Array.isArray(value)
      ? `lists must have fewer than ${max} elements`
      : `objects must have fewer than ${max} keys`;
  }
  for (const child of children) {
    const problem = shapeProblem(child, max, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * A value from JSON or an API as text: strings, numbers and booleans as themselves, anything
 * else as its JSON (never `[object Object]`).
 */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? typeof value;
}

/** `asText`, with absent values (undefined, null, empty) as null. */
export function textOrNull(value: unknown): string | null {
  return value === undefined || value === null || value === '' ? null : asText(value);
}

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

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text with every lone surrogate replaced by U+FFFD. JSON can carry them (`"\ud800"`), but
 * they are not Unicode characters: Salesforce and Mixpanel (which requires valid UTF-8) cannot store them.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

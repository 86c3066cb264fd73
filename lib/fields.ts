/**
 * Field rules the webhook payload schemas share: what Mixpanel refuses as a user id, and how
 * free text that is merely too long for its Salesforce field is cut to fit, visibly.
 */

/**
 * Values Mixpanel refuses as `distinct_id` (compared case-insensitively): they mean "no user".
 * docs.mixpanel.com reference/import-events, "properties.distinct_id".
 */
const PLACEHOLDER_IDS: ReadonlySet<string> = new Set([
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

/** A blank value or one of Mixpanel's placeholder ids: a user id that names nobody. */
export function isPlaceholderId(value: string): boolean {
  const trimmed = value.trim();
  return trimmed === '' || PLACEHOLDER_IDS.has(trimmed.toLowerCase());
}

/** Ends a value that was cut to fit its field, so nobody mistakes it for the whole. */
export const TRUNCATION_MARKER = '…[truncated]';

/**
 * `value` when it fits in `max` UTF-16 code units (how Salesforce counts a Text field's length),
 * else its start and the marker, `max` long. A surrogate pair is never split.
 */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - TRUNCATION_MARKER.length;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return value.slice(0, end) + TRUNCATION_MARKER;
}

/**
 * As many whole items, from the first, as fit in `maxLength` once joined with `separator`; when
 * some are left out, the marker is the last item (and fits too). `measure` gives an item's size.
 */
export function keepWholeItems(
  items: readonly string[],
  maxLength: number,
  options: { separator?: string; maxItems?: number; measure?: (item: string) => number } = {},
): string[] {
  const { separator = ' ', maxItems = Infinity, measure = (item: string) => item.length } = options;
  const total = (list: readonly string[]): number =>
    list.reduce((sum, item) => sum + measure(item), 0) + separator.length * Math.max(0, list.length - 1);
  if (items.length <= maxItems && total(items) <= maxLength) return [...items];
  const room = maxLength - measure(TRUNCATION_MARKER) - separator.length;
  const kept: string[] = [];
  let used = 0;
  for (const item of items) {
    const size = measure(item) + (kept.length > 0 ? separator.length : 0);
    if (kept.length + 1 >= maxItems || used + size > room) break;
    kept.push(item);
    used += size;
  }
  return [...kept, TRUNCATION_MARKER];
}

/**
 * Splits items into consecutive chunks of at most `maxCount` items and `maxBytes` in total,
 * keeping input order (results are mapped back by position). An item larger than `maxBytes` on
 * its own still gets a chunk of its own: callers with a hard limit leave such items out first.
 */
export function chunkBy<T>(
  items: readonly T[],
  maxCount: number,
  maxBytes: number,
  sizeOf: (item: T) => number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length === maxCount || (current.length > 0 && bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Splits items into consecutive chunks of at most `size` items, keeping input order. */
export function chunkByCount<T>(items: readonly T[], size: number): T[][] {
  return chunkBy(items, size, Infinity, () => 0);
}

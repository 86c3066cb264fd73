import type { ValidEvent } from './validate-event.js';

/** An event as the emulator holds it: `time` in epoch milliseconds, no `ip`, strings ≤ 255 chars. */
export interface StoredEvent {
  event: string;
  properties: Record<string, unknown> & { time: number; distinct_id: string; $insert_id: string };
}

const MAX_STRING_CHARS = 255;

/**
 * Events deduplicated on (event, time, distinct_id, $insert_id); a duplicate replaces the held
 * copy, since queries show the latest ingested one (reference/event-deduplication).
 */
export class EventStore {
  private readonly byKey = new Map<string, StoredEvent>();
  private generated = 0;

  /**
   * Stores a validated event. One sent without `$insert_id` gets a generated one and never
   * dedupes. `now` clamps a time up to an hour ahead, which Mixpanel overwrites with the present.
   * Returns whether it replaced a duplicate.
   */
  add(valid: ValidEvent, now: number): 'stored' | 'duplicate' {
    const kept = { ...valid.properties };
    delete kept.ip;
    const insertId = valid.insertId ?? `sandbox-${(this.generated += 1)}`;
    const key =
      valid.insertId === undefined
        ? `generated\u0000${insertId}`
        : dedupeKey(valid.event, valid.timeMs, valid.distinctId, insertId);
    const duplicate = this.byKey.has(key);
    this.byKey.set(key, {
      event: truncate(valid.event),
      properties: {
        ...truncateAll(kept),
        time: Math.min(valid.timeMs, now),
        distinct_id: truncate(valid.distinctId),
        $insert_id: insertId,
      },
    });
    return duplicate ? 'duplicate' : 'stored';
  }

  /** Held events in ingestion order, optionally of one `distinct_id`. */
  list(distinctId?: string): StoredEvent[] {
    const all = [...this.byKey.values()];
    return distinctId === undefined ? all : all.filter((e) => e.properties.distinct_id === distinctId);
  }

  byName(name: string): StoredEvent[] {
    return this.list().filter((e) => e.event === name);
  }

  /** Drops every held event of these `distinct_id`s (a completed deletion task); returns how many. */
  removeDistinctIds(distinctIds: ReadonlySet<string>): number {
    let removed = 0;
    for (const [key, event] of this.byKey) {
      if (!distinctIds.has(event.properties.distinct_id)) continue;
      this.byKey.delete(key);
      removed += 1;
    }
    return removed;
  }

  get size(): number {
    return this.byKey.size;
  }

  clear(): void {
    this.byKey.clear();
    this.generated = 0;
  }
}

function dedupeKey(event: string, timeMs: number, distinctId: string, insertId: string): string {
  return JSON.stringify([event, timeMs, distinctId, insertId]);
}

/** Mixpanel truncates every string to 255 characters (reference/import-events, "Common Issues"). */
function truncate(value: string): string {
  return value.length > MAX_STRING_CHARS ? value.slice(0, MAX_STRING_CHARS) : value;
}

function truncateAll<T>(value: T): T {
  if (typeof value === 'string') return truncate(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => truncateAll(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truncateAll(v)])) as T;
  }
  return value;
}

import type { ItemResult } from '../../sqs/batch-collector.js';
import * as z from '../../zod-mini.js';
import { logger, metrics, MetricUnit } from '../../observability.js';
import type { OutgoingMessage } from '../queue-gateway.js';
import { MIXPANEL_BATCH_RECORDS } from './client.js';
import { packEvents, packGroupUpdates, packProfileUpdates } from './packs.js';
import type { GroupUpdate, MixpanelEvent, ProfileUpdate } from './types.js';

/**
 * On a carried pack: when the oldest of its records was first queued (epoch ms), so that carrying
 * it again cannot make a record wait longer than the carry allows.
 */
export const CARRIED_SINCE_ATTRIBUTE = 'carried_since';
/** On a carried pack that no new record joined when it was carried: the next time alone, it goes out. */
export const CARRIED_ALONE_ATTRIBUTE = 'carried_alone';

/**
 * A sender invocation whose records of one kind leave a part-filled call may put that remainder
 * back on the queue, to fill a call of a later invocation instead of costing a call of its own.
 * Only the records of unversioned packs that have waited less than `maxAgeMs` are carried, and
 * the oldest records go out first. A remainder that comes back with no new record to join it is carried once
 * more, since a remainder of a concurrent invocation may be on its way back too (two part-filled
 * calls would then make one), and goes out the second time.
 */
export interface CarryOptions {
  /** The longest a record may wait, from when it was first queued, before it must go out. */
  maxAgeMs: number;
  /** When each intent's records were first queued, in input order: see `queuedOf`. */
  queued: readonly Queued[];
  now: number;
  /** Puts a carried remainder back on the sender's own queue. */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
}

export type Kind = 'event' | 'profile' | 'group';

/** The sender's setting: how long a record may be carried, in seconds; 0 sends every remainder at once. */
export const carrySettings = {
  MIXPANEL_CARRY_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(300)), 60),
};

/**
 * When a message's records were first queued (epoch ms), whether they were carried before, whether
 * the last time they were carried alone, and the message's attributes.
 */
export interface Queued {
  at: number;
  carried: boolean;
  alone: boolean;
  attributes: Readonly<Record<string, string>>;
}

/** A carried pack's own time (never later than SQS's SentTimestamp), else SQS's SentTimestamp. */
export function queuedOf(message: { sentAt: number; attributes: Readonly<Record<string, string>> }): Queued {
  const carriedSince = Number(message.attributes[CARRIED_SINCE_ATTRIBUTE]);
  const { attributes } = message;
  return Number.isFinite(carriedSince) && carriedSince > 0
    ? {
        at: Math.min(carriedSince, message.sentAt),
        carried: true,
        alone: attributes[CARRIED_ALONE_ATTRIBUTE] === 'true',
        attributes,
      }
    : { at: message.sentAt, carried: false, alone: false, attributes };
}

// Set anew on every carried pack.
const OWN_ATTRIBUTES = new Set(['intent', 'count', CARRIED_SINCE_ATTRIBUTE, CARRIED_ALONE_ATTRIBUTE]);

/**
 * The attributes every message of a carried remainder has in common (e.g. `source`), so that a
 * carried pack still says where its records come from if it is dead-lettered.
 */
function sharedAttributes(all: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  const [first, ...others] = all;
  return Object.fromEntries(
    Object.entries(first ?? {}).filter(
      ([name, value]) => !OWN_ATTRIBUTES.has(name) && others.every((attributes) => attributes[name] === value),
    ),
  );
}

/**
 * The order in which messages pool their records: those that cannot wait first (versioned, or
 * already old enough), then the others oldest first, so that a remainder holds the youngest.
 */
export function poolOrder(carriable: readonly boolean[], queued: readonly Queued[]): number[] {
  const at = (position: number): number => queued[position]?.at ?? 0;
  return carriable
    .map((_, position) => position)
    .sort((a, b) => Number(carriable[a]) - Number(carriable[b]) || at(a) - at(b) || a - b);
}

/** How many of `pooled` records fill calls of 2,000. */
const inFullCalls = (pooled: number): number => Math.floor(pooled / MIXPANEL_BATCH_RECORDS) * MIXPANEL_BATCH_RECORDS;

/**
 * How many of a kind's `pooled` records go out now: only the full calls (possibly none) when the
 * part-filled rest may be carried, all of them otherwise. A pool that fills no call goes out whole
 * when every record in it was carried alone last time: nothing joined them while they waited.
 */
export function sendNowCount(pooled: number, rest: { carriable: boolean; mayWaitAgain: boolean }): number {
  const full = inFullCalls(pooled);
  if (full === pooled || !rest.carriable) return pooled;
  return full > 0 || rest.mayWaitAgain ? full : pooled;
}

/** What a carried remainder remembers: see `carryOver`. */
export interface Carried {
  since: number;
  alone: boolean;
  attributes: Record<string, string>;
}

/**
 * Of a kind's pool of `pooled` records, how many go out now, and what the rest remembers if it is
 * carried. `intents` are the positions of the kind's intents, each with the end of its records in
 * the pool (in pool order); `carriable` and `queued` are by position.
 */
export function planCarry(
  pooled: number,
  intents: ReadonlyArray<{ position: number; to: number }>,
  carriable: readonly boolean[],
  queued: readonly Queued[],
): { count: number; carried?: Carried } {
  const full = inFullCalls(pooled);
  // The intents whose records would make up the part-filled call.
  const rest = intents.filter(({ to }) => to > full).map(({ position }) => position);
  const entries = intents.map(({ position }) => queued[position]);
  const count = sendNowCount(pooled, {
    carriable: rest.every((position) => carriable[position]),
    mayWaitAgain: entries.some((entry) => !entry?.alone),
  });
  if (count === pooled) return { count };
  const from = rest.flatMap((position) => queued[position] ?? []);
  return {
    count,
    carried: {
      since: Math.min(...from.map((entry) => entry.at)),
      alone: entries.every((entry) => entry?.carried),
      attributes: sharedAttributes(from.map((entry) => entry.attributes)),
    },
  };
}

const packers: Record<Kind, (items: never[], attributes: Record<string, string>) => OutgoingMessage[]> = {
  event: (items: MixpanelEvent[], attributes) => packEvents(items, attributes),
  profile: (items: ProfileUpdate[], attributes) => packProfileUpdates(items, undefined, attributes),
  group: (items: GroupUpdate[], attributes) => packGroupUpdates(items, attributes),
};

/**
 * Puts `items` back on the queue as packs that remember `since`, whether they went `alone` (no
 * record in their pool was new) and the `attributes` of the messages they came from. One result
 * per item: all done, or all failed with the send's error (their messages are then retried whole).
 */
export async function carryOver(
  kind: Kind,
  items: readonly unknown[],
  carried: Carried,
  send: CarryOptions['send'],
): Promise<ItemResult[]> {
  const messages = packers[kind](items as never[], {
    ...carried.attributes,
    [CARRIED_SINCE_ATTRIBUTE]: String(carried.since),
    ...(carried.alone && { [CARRIED_ALONE_ATTRIBUTE]: 'true' }),
  });
  try {
    await send(messages);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    return items.map(() => failure);
  }
  metrics.addMetric('MixpanelRecordsCarried', MetricUnit.Count, items.length);
  logger.info('Carried a part-filled Mixpanel call over to a later invocation', { kind, records: items.length });
  return items.map(() => undefined);
}

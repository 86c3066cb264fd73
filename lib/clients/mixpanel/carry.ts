import { isPermanent } from '../../errors.js';
import type { ItemResult } from '../../sqs/batch-collector.js';
import { REASON_ATTRIBUTE_NAMES } from '../../sqs/reason.js';
import * as z from '../../zod-mini.js';
import { logger, metrics, MetricUnit } from '../../observability.js';
import { SQS_MAX_ATTRIBUTES, type OutgoingMessage } from '../queue-gateway.js';
import { MIXPANEL_BATCH_RECORDS } from './client.js';
import { packEvents, packGroupUpdates, packProfileUpdates } from './packs.js';
import type { GroupUpdate, MixpanelEvent, ProfileUpdate } from './types.js';

/**
 * On a carried pack: when the oldest of its records was first queued (epoch ms), so that carrying
 * it again cannot make a record wait longer than the carry allows.
 */
export const CARRIED_SINCE_ATTRIBUTE = 'carried_since';
/**
 * On a carried pack that no new record joined when it was carried: how many times in a row that
 * happened (`1`, `2`…; `true`, from before the count, is 1). At `LONE_CARRIES`, the next time alone it goes out.
 */
export const CARRIED_ALONE_ATTRIBUTE = 'carried_alone';
/**
 * How many times in a row a remainder may come back with nothing new and be carried again: the
 * remainders of concurrent invocations come back at about the same time, but each to whichever
 * invocation receives it, so two of them meet in one invocation in some rounds and not in others.
 */
export const LONE_CARRIES = 3;

/**
 * A sender invocation whose records of one kind leave a part-filled call may put that remainder
 * back on the queue, to fill a call of a later invocation instead of costing a call of its own.
 * Only the records of unversioned packs that have waited less than `maxAgeMs` are carried, and
 * the oldest records go out first. A remainder that comes back with no new record to join it is
 * carried again, up to `LONE_CARRIES` times in a row, since a remainder of a concurrent invocation
 * may be on its way back too (two part-filled calls would then make one); then it goes out.
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
 * When a message's records were first queued (epoch ms), whether they were carried before, how many
 * times in a row they were carried alone, and the message's attributes.
 */
export interface Queued {
  at: number;
  carried: boolean;
  lone: number;
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
        lone: loneCarries(attributes[CARRIED_ALONE_ATTRIBUTE]),
        attributes,
      }
    : { at: message.sentAt, carried: false, lone: 0, attributes };
}

/**
 * `carried_alone` as a count: absent is 0, `true` 1, a whole number its value; anything else (or
 * more than `LONE_CARRIES`) reads as `LONE_CARRIES`, so that no value keeps a pack going round.
 */
function loneCarries(text: string | undefined): number {
  if (text === undefined) return 0;
  if (text === 'true') return 1;
  const count = /^[0-9]{1,2}$/.test(text) ? Number(text) : Number.NaN;
  return count >= 0 && count < LONE_CARRIES ? count : LONE_CARRIES;
}

// Set anew on every carried pack.
const OWN_ATTRIBUTES = new Set(['intent', 'count', CARRIED_SINCE_ATTRIBUTE, CARRIED_ALONE_ATTRIBUTE]);

/**
 * The attributes every message of a carried remainder has in common (e.g. `source`), so that a
 * carried pack still says where its records come from if it is dead-lettered; as many as SQS's 10
 * leave room for, since SQS refuses a message with more. The reason of an earlier dead-lettering
 * (on a redriven pack) is not kept: a later dead-lettering gives its own.
 */
function sharedAttributes(all: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  const [first, ...others] = all;
  const shared = Object.entries(first ?? {}).filter(
    ([name, value]) =>
      !OWN_ATTRIBUTES.has(name) &&
      !REASON_ATTRIBUTE_NAMES.has(name) &&
      others.every((attributes) => attributes[name] === value),
  );
  return Object.fromEntries(shared.slice(0, SQS_MAX_ATTRIBUTES - OWN_ATTRIBUTES.size));
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
 * when every record in it was carried alone `LONE_CARRIES` times in a row: nothing joined them while they waited.
 */
export function sendNowCount(pooled: number, rest: { carriable: boolean; mayWaitAgain: boolean }): number {
  const full = inFullCalls(pooled);
  if (full === pooled || !rest.carriable) return pooled;
  return full > 0 || rest.mayWaitAgain ? full : pooled;
}

/** What a carried remainder remembers: see `carryOver`. */
interface Carried {
  since: number;
  lone: number;
  attributes: Record<string, string>;
}

/** An intent of a kind's pool: its position in the batch, and the slice of the pool its records fill. */
interface Pooled {
  position: number;
  from: number;
  to: number;
}

/**
 * Of a kind's pool of `pooled` records, how many go out now; the rest is carried. `carriable` and
 * `queued` are by position.
 */
export function planCarry(
  pooled: number,
  intents: readonly Pooled[],
  carriable: readonly boolean[],
  queued: readonly Queued[],
): number {
  const full = inFullCalls(pooled);
  return sendNowCount(pooled, {
    // The intents whose records would make up the part-filled call.
    carriable: intents.every(({ position, to }) => to <= full || carriable[position]),
    mayWaitAgain: intents.some(({ position }) => (queued[position]?.lone ?? 0) < LONE_CARRIES),
  });
}

/**
 * What the records of `rest` remember when carried: the oldest time of their intents, whether every
 * intent of the kind (`all`) had been carried before, and their intents' shared attributes.
 */
function carriedOf(rest: readonly Pooled[], all: readonly Pooled[], queued: readonly Queued[]): Carried {
  const from = rest.flatMap(({ position }) => queued[position] ?? []);
  return {
    since: Math.min(...from.map((entry) => entry.at)),
    lone: all.every(({ position }) => queued[position]?.carried)
      ? Math.max(...all.map(({ position }) => queued[position]?.lone ?? 0)) + 1
      : 0,
    attributes: sharedAttributes(from.map((entry) => entry.attributes)),
  };
}

/**
 * Sends the first `count` records of a kind's `pool` with `call` and carries the rest; one result
 * per pooled record. If the sent records of the intent that straddles the two failed for a while,
 * its rest is not carried: that intent's message is retried whole anyway. A rest that SQS does not
 * take goes out now, in a part-filled call, rather than fail messages whose records are fine.
 */
export async function sendCarrying(
  kind: Kind,
  pool: readonly unknown[],
  count: number,
  intents: readonly Pooled[],
  carry: CarryOptions,
  call: (items: never[]) => Promise<ItemResult[]>,
): Promise<ItemResult[]> {
  const sent = count > 0 ? await call(pool.slice(0, count) as never[]) : [];
  if (count === pool.length) return sent;
  const straddling = intents.find(({ from, to }) => from < count && to > count);
  const retried = straddling && sent.slice(straddling.from).find((result) => result && !isPermanent(result));
  const start = retried ? straddling.to : count;
  const left = new Array<ItemResult>(start - count).fill(retried);
  const rest = pool.slice(start);
  if (rest.length === 0) return [...sent, ...left];
  const carried = carriedOf(
    intents.filter(({ to }) => to > start),
    intents,
    carry.queued,
  );
  const done = await carryOver(kind, rest, carried, (messages) => carry.send(messages));
  return [...sent, ...left, ...(done ? rest.map(() => undefined) : await call(rest as never[]))];
}

const packers: Record<Kind, (items: never[], attributes: Record<string, string>) => OutgoingMessage[]> = {
  event: (items: MixpanelEvent[], attributes) => packEvents(items, attributes),
  profile: (items: ProfileUpdate[], attributes) => packProfileUpdates(items, undefined, attributes),
  group: (items: GroupUpdate[], attributes) => packGroupUpdates(items, attributes),
};

/**
 * Puts `items` back on the queue as packs that remember `since`, how many times in a row they went
 * `lone` (no record in their pool was new) and the `attributes` of the messages they came from. Answers
 * whether SQS took them all.
 */
async function carryOver(kind: Kind, items: readonly unknown[], carried: Carried, send: CarryOptions['send']) {
  const messages = packers[kind](items as never[], {
    ...carried.attributes,
    [CARRIED_SINCE_ATTRIBUTE]: String(carried.since),
    ...(carried.lone > 0 && { [CARRIED_ALONE_ATTRIBUTE]: String(carried.lone) }),
  });
  try {
    await send(messages);
  } catch (error) {
    logger.warn('Could not carry a part-filled Mixpanel call over: it goes out now', {
      kind,
      records: items.length,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
  metrics.addMetric('MixpanelRecordsCarried', MetricUnit.Count, items.length);
  logger.info('Carried a part-filled Mixpanel call over to a later invocation', { kind, records: items.length });
  return true;
}

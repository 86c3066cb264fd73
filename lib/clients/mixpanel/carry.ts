import { z } from 'zod';
import type { ItemResult } from '../../sqs/batch-collector.js';
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

/**
 * A sender invocation whose records of one kind fill some calls of 2,000 and leave a part-filled
 * one may put that remainder back on the queue, to fill a call of a later invocation instead of
 * costing a call of its own. Only unversioned records that have waited less than `maxAgeMs` are
 * carried; the oldest records go out first.
 */
export interface CarryOptions {
  /** The longest a record may wait, from when it was first queued, before it must go out. */
  maxAgeMs: number;
  /** When each intent's records were first queued (epoch ms), in input order: see `firstQueuedAt`. */
  queuedAt: readonly number[];
  now: number;
  /** Puts a carried remainder back on the sender's own queue. */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
}

export type Kind = 'event' | 'profile' | 'group';

/** The sender's setting: how long a record may be carried, in seconds; 0 sends every remainder at once. */
export const carrySettings = {
  MIXPANEL_CARRY_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
};

/** When a message's records were first queued: a carried pack's own attribute, else SQS's SentTimestamp. */
export function firstQueuedAt(message: { sentAt: number; attributes: Readonly<Record<string, string>> }): number {
  const carriedSince = Number(message.attributes[CARRIED_SINCE_ATTRIBUTE]);
  return Number.isFinite(carriedSince) && carriedSince > 0 ? Math.min(carriedSince, message.sentAt) : message.sentAt;
}

/**
 * The order in which messages pool their records: those that cannot wait first (versioned, or
 * already old enough), then the others oldest first, so that a remainder holds the youngest.
 */
export function poolOrder(carriable: readonly boolean[], queuedAt: readonly number[]): number[] {
  return carriable
    .map((_, position) => position)
    .sort((a, b) => Number(carriable[a]) - Number(carriable[b]) || (queuedAt[a] ?? 0) - (queuedAt[b] ?? 0) || a - b);
}

/**
 * How many of a kind's `pooled` records go out now: only the full calls when some call fills and
 * the part-filled rest may be carried; all of them otherwise. A pool that fills no call goes out
 * whole: a trickle is never delayed, and a carried remainder that comes back without enough new
 * records to fill a call goes out then.
 */
export function sendNowCount(pooled: number, remainderCarriable: boolean): number {
  const full = Math.floor(pooled / MIXPANEL_BATCH_RECORDS) * MIXPANEL_BATCH_RECORDS;
  return full > 0 && full < pooled && remainderCarriable ? full : pooled;
}

const packers: Record<Kind, (items: never[], attributes: Record<string, string>) => OutgoingMessage[]> = {
  event: (items: MixpanelEvent[], attributes) => packEvents(items, attributes),
  profile: (items: ProfileUpdate[], attributes) => packProfileUpdates(items, undefined, attributes),
  group: (items: GroupUpdate[], attributes) => packGroupUpdates(items, attributes),
};

/**
 * Puts `items` back on the queue as packs that remember `since`; one result per item: all done,
 * or all failed with the send's error (the messages they came from are then retried whole).
 */
export async function carryOver(
  kind: Kind,
  items: readonly unknown[],
  since: number,
  send: CarryOptions['send'],
): Promise<ItemResult[]> {
  const messages = packers[kind](items as never[], { [CARRIED_SINCE_ATTRIBUTE]: String(since) });
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

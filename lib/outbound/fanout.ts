import { insertId } from '../clients/mixpanel/insert-id.js';
import { packEvents, packProfileUpdates } from '../clients/mixpanel/packs.js';
import type { MixpanelEvent, ProfileUpdate } from '../clients/mixpanel/types.js';
import type { OutgoingMessage, QueueGateway } from '../clients/queue-gateway.js';
import { forEachConcurrently } from '../concurrency.js';
import { RetryableError } from '../errors.js';
import { logger, metrics, MetricUnit } from '../observability.js';
import type { ItemResult } from '../sqs/batch-collector.js';
import { versionOf, type OutboundFanOutIntent, type OutboundSource } from './intents.js';

export interface FanOutDeps {
  /** Every account id given → its app user ids (see `usersOfAccounts`). */
  usersOf(accountIds: readonly string[]): Promise<Map<string, string[]>>;
  queue: Pick<QueueGateway, 'send'>;
  mixpanelQueueUrl: string;
}

// Sends in flight at once; each send already runs several SendMessageBatch calls in parallel.
const SENDS_IN_FLIGHT = 4;

/**
 * Puts each fan-out's event and profile values on the timeline of every user of its account: the
 * users of the whole batch are resolved together (cached, else one query per 200 accounts), then
 * the events of every fan-out of the batch are enqueued in shared packs of up to 2,000, and each
 * fan-out's profile `$set`s in packs of its own (they carry its record's version). One result per
 * intent, in order; a failed enqueue fails the fan-outs whose events or updates it held, whose
 * retries send the same intents again (same `$insert_id`s, same version).
 */
export async function fanOut(intents: readonly OutboundFanOutIntent[], deps: FanOutDeps): Promise<ItemResult[]> {
  const users = await deps.usersOf(intents.map((intent) => intent.accountId));
  const results: ItemResult[] = intents.map(() => undefined);
  const events: MixpanelEvent[] = [];
  // The fan-out (by position) each event comes from.
  const owners: number[] = [];
  const sends: Array<{ owners: number[]; messages: OutgoingMessage[] }> = [];
  intents.forEach((intent, i) => {
    const userIds = users.get(intent.accountId) ?? [];
    if (userIds.length === 0) {
      const { notificationId, ruleId, recordId } = intent.source;
      logger.info('No app users on the account: nothing sent', {
        notificationId,
        ruleId,
        recordId,
        accountId: intent.accountId,
      });
      return;
    }
    for (const event of userEvents(intent, userIds)) {
      events.push(event);
      owners.push(i);
    }
    const updates = userProfileUpdates(intent, userIds);
    if (updates.length > 0) {
      sends.push({
        owners: [i],
        messages: packProfileUpdates(updates, versionOf(intent.source), sourceAttributes(intent.source)),
      });
    }
  });
  let first = 0;
  const eventSends = packEvents(events, { source: 'outbound' }).map((pack) => {
    // Packs keep the events' order: the next `count` owners are this pack's.
    const own = [...new Set(owners.slice(first, (first += Number(pack.attributes?.count))))];
    const only = own.length === 1 ? intents[own[0] ?? -1] : undefined;
    if (only) pack.attributes = { ...pack.attributes, ...sourceAttributes(only.source) };
    return { owners: own, messages: [pack] };
  });
  await forEachConcurrently([...eventSends, ...sends], SENDS_IN_FLIGHT, async (send) => {
    try {
      await deps.queue.send(deps.mixpanelQueueUrl, send.messages);
    } catch (error) {
      for (const i of send.owners) results[i] = error instanceof Error ? error : new RetryableError(String(error));
    }
  });
  const reached = intents.reduce(
    (sum, intent, i) => sum + (results[i] ? 0 : (users.get(intent.accountId)?.length ?? 0)),
    0,
  );
  if (reached > 0) metrics.addMetric('FanOutUsers', MetricUnit.Count, reached);
  return results;
}

/**
 * A fan-out's event once per user, each copy with its own `$insert_id` (a hash of the
 * notification's and the user's, so a redelivery repeats it).
 */
export function userEvents(intent: OutboundFanOutIntent, userIds: readonly string[]): MixpanelEvent[] {
  const { event } = intent;
  if (!event) return [];
  return userIds.map((distinctId) => ({
    event: event.event,
    properties: {
      ...event.properties,
      time: Number(event.properties.time),
      distinct_id: distinctId,
      $insert_id: insertId('fanout', String(event.properties.$insert_id), distinctId),
    },
  }));
}

/** A fan-out's profile values as one `$set` per user (none without values). */
export function userProfileUpdates(intent: OutboundFanOutIntent, userIds: readonly string[]): ProfileUpdate[] {
  const values = intent.profileSet;
  return values ? userIds.map((distinctId) => ({ distinctId, operation: '$set' as const, values })) : [];
}

/** What a dead-lettered pack of one notification says about where it came from. */
const sourceAttributes = (source: OutboundSource): Record<string, string> => ({
  notification_id: source.notificationId,
  salesforce_record_id: source.recordId,
});

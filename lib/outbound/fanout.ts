import { insertId } from '../clients/mixpanel/insert-id.js';
import { packProfileUpdates } from '../clients/mixpanel/packs.js';
import type { OutgoingMessage, QueueGateway } from '../clients/queue-gateway.js';
import { forEachConcurrently } from '../concurrency.js';
import { RetryableError } from '../errors.js';
import { logger, metrics, MetricUnit } from '../observability.js';
import type { ItemResult } from '../sqs/batch-collector.js';
import { toMixpanelMessages, versionOf, type OutboundFanOutIntent } from './intents.js';

export interface FanOutDeps {
  /** Every account id given → its app user ids (see `usersOfAccounts`). */
  usersOf(accountIds: readonly string[]): Promise<Map<string, string[]>>;
  queue: Pick<QueueGateway, 'send'>;
  mixpanelQueueUrl: string;
}

// Fan-outs enqueued at once; each send already runs several SendMessageBatch calls in parallel.
const SENDS_IN_FLIGHT = 4;

/**
 * Puts each fan-out's event and profile values on the timeline of every user of its account: the
 * users of the whole batch are resolved together (cached, else one query per 200 accounts), then
 * each fan-out's Mixpanel intents are enqueued. One result per intent, in order; a failed enqueue
 * fails its own intent, whose retry sends the same intents again (same `$insert_id`s, same version).
 */
export async function fanOut(intents: readonly OutboundFanOutIntent[], deps: FanOutDeps): Promise<ItemResult[]> {
  const users = await deps.usersOf(intents.map((intent) => intent.accountId));
  const results: ItemResult[] = intents.map(() => undefined);
  let reached = 0;
  await forEachConcurrently(intents, SENDS_IN_FLIGHT, async (intent, i) => {
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
    try {
      await deps.queue.send(deps.mixpanelQueueUrl, fanOutMessages(intent, userIds));
      reached += userIds.length;
    } catch (error) {
      results[i] = error instanceof Error ? error : new RetryableError(String(error));
    }
  });
  if (reached > 0) metrics.addMetric('FanOutUsers', MetricUnit.Count, reached);
  return results;
}

/**
 * A fan-out's messages for the mixpanel queue: the event once per user, each copy with its own
 * `$insert_id` (a hash of the notification's and the user's, so a redelivery repeats it), and
 * the profile `$set`s packed 2,000 to a message with the record's version.
 */
function fanOutMessages(intent: OutboundFanOutIntent, userIds: readonly string[]): OutgoingMessage[] {
  const { event, profileSet, source } = intent;
  const events = event
    ? toMixpanelMessages(
        userIds.map((distinctId) => ({
          source,
          intent: {
            type: 'mixpanel.event' as const,
            event: {
              event: event.event,
              properties: {
                ...event.properties,
                time: Number(event.properties.time),
                distinct_id: distinctId,
                $insert_id: insertId('fanout', String(event.properties.$insert_id), distinctId),
              },
            },
          },
        })),
      )
    : [];
  const profiles = profileSet
    ? packProfileUpdates(
        userIds.map((distinctId) => ({ distinctId, operation: '$set' as const, values: profileSet })),
        versionOf(source),
      )
    : [];
  return [...events, ...profiles];
}

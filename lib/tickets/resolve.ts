import type { QueueGateway } from '../clients/queue-gateway.js';
import type { ZendeskGateway, ZendeskUserSummary } from '../clients/zendesk/gateway.js';
import { isPlaceholderId } from '../fields.js';
import type { ItemResult } from '../sqs/batch-collector.js';
import { toQueueMessage } from './intents.js';
import type { TicketChange } from './ticket-change.js';

export interface ResolveDeps {
  zendesk: ZendeskGateway;
  queue: QueueGateway;
  salesforceQueueUrl: string;
}

/**
 * Fills in the requester's email and external id with one `users/show_many` call per 100
 * requesters, then passes the changes on to Salesforce. A requester Zendesk no longer knows
 * goes on unresolved and meets the unmatched-requester policy there.
 */
export async function resolveRequesters(changes: readonly TicketChange[], deps: ResolveDeps): Promise<ItemResult[]> {
  const users = await deps.zendesk.usersByIds(requesterIds(changes));
  const resolved = changes.map((change) => withRequester(change, users));
  await deps.queue.send(
    deps.salesforceQueueUrl,
    resolved.map((change) => toQueueMessage({ type: 'ticket.sync', change })),
  );
  return changes.map(() => undefined);
}

/** The Zendesk user ids to read, once each. */
export function requesterIds(changes: readonly TicketChange[]): number[] {
  return [
    ...new Set(
      changes.map((change) => Number(change.requester.zendeskId)).filter((id) => Number.isInteger(id) && id > 0),
    ),
  ];
}

/** A change with its requester's email and external id as Zendesk knows them (none: unresolved). */
export function withRequester(change: TicketChange, users: ReadonlyMap<number, ZendeskUserSummary>): TicketChange {
  const user = users.get(Number(change.requester.zendeskId));
  return {
    ...change,
    requester: { ...change.requester, email: present(user?.email), externalId: present(user?.externalId) },
  };
}

/** The same rule ingress applies: a blank or a Mixpanel placeholder id names nobody. */
function present(value: string | null | undefined): string | null {
  return value === null || value === undefined || isPlaceholderId(value) ? null : value;
}

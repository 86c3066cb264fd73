import { packMixpanelIntents, type MixpanelIntent } from '../clients/mixpanel/intents.js';
import type { QueueGateway } from '../clients/queue-gateway.js';
import type { SalesforceGateway, UpsertOutcome } from '../clients/salesforce/gateway.js';
import {
  outcomesByPosition,
  rewriteWithoutMissingParents,
  settleStaleWrites,
} from '../clients/salesforce/record-outcomes.js';
import { logger, metrics, MetricUnit } from '../observability.js';
import type { ItemResult } from '../sqs/batch-collector.js';
import type { CaseMapping } from './case-mapping.js';
import {
  CASE_TARGET,
  caseRecord,
  emailsToLookUp,
  groupByTicket,
  groupEvents,
  timelineOf,
  type TicketGroup,
  type UnmatchedPolicy,
} from './case-plan.js';
import type { ContactLookup } from './contacts.js';
import type { TicketChange } from './ticket-change.js';

export interface TicketSyncDeps {
  salesforce: SalesforceGateway;
  queue: QueueGateway;
  mixpanelQueueUrl: string;
  mapping: CaseMapping;
  /** Email → Contact for requesters without an external id (cached: see `ContactDirectory`). */
  contacts: ContactLookup;
  /** A requester with no app user id: no Mixpanel event (`skip`), or the email as distinct id. */
  unmatchedPolicy: UnmatchedPolicy;
}

/**
 * Upserts the Cases of a batch of ticket changes — one collection call per 200 tickets, plus one
 * Contact query per 200 requesters known only by email whom the Contact cache does not hold —
 * then enqueues their Mixpanel events, packed, carrying the Case id. Several changes of one ticket
 * share one Case upsert of the latest of them (Salesforce refuses a repeated external id in one
 * call) and each keeps its own events. A change older than the Case's state is refused by the
 * Case's validation rule and counts as done: the Case keeps the newer state, the change's events
 * still go out (their `$insert_id` makes a replay a no-op), and the Case ids of such changes come
 * from one query per 200.
 */
export async function syncTickets(changes: readonly TicketChange[], deps: TicketSyncDeps): Promise<ItemResult[]> {
  const groups = groupByTicket(changes);
  const contacts = await deps.contacts.byEmail(emailsToLookUp(groups));

  const outcomes: Array<UpsertOutcome | undefined> = await deps.salesforce.upsert(
    CASE_TARGET.object,
    CASE_TARGET.externalIdField,
    groups.map((group) => caseRecord(group, contacts, deps.mapping, true)),
  );
  await rewriteWithoutMissingParents(groups, outcomes, (unlinked) =>
    deps.salesforce.upsert(
      CASE_TARGET.object,
      CASE_TARGET.externalIdField,
      unlinked.map((group) => caseRecord(group, contacts, deps.mapping, false)),
    ),
  );

  await settleStaleCases(groups, outcomes, deps.salesforce);
  // A Case refused while linked to a cached Contact (e.g. one deleted since): its retry asks again.
  await deps.contacts.forget(
    groups.flatMap((group, i) =>
      outcomes[i] instanceof Error && !group.externalId && group.email && contacts.has(group.email)
        ? [group.email]
        : [],
    ),
  );

  const intents = new Map<string, MixpanelIntent>();
  const unmatched: string[] = [];
  groups.forEach((ticket, i) => {
    const outcome = outcomes[i];
    if (!outcome || outcome instanceof Error) return;
    const { appUserId, distinctId } = timelineOf(ticket, contacts, deps.unmatchedPolicy);
    if (!appUserId) unmatched.push(ticket.latest.ticketId);
    if (!distinctId) return;
    for (const intent of groupEvents(ticket, distinctId, outcome.id))
      intents.set(intent.type === 'mixpanel.event' ? intent.event.properties.$insert_id : '', intent);
  });
  // Logs carry ids, not customer data: the ticket id, never the email.
  for (const ticketId of unmatched)
    logger.info('Requester matches no app user', { ticketId, policy: deps.unmatchedPolicy });
  if (unmatched.length > 0) metrics.addMetric('UnmatchedRequesters', MetricUnit.Count, unmatched.length);
  // Packed: the batch's events travel as a few messages of up to 2,000, not one message each.
  if (intents.size > 0)
    await deps.queue.send(deps.mixpanelQueueUrl, packMixpanelIntents([...intents.values()], { source: 'zendesk' }));

  const results: ItemResult[] = new Array<ItemResult>(changes.length).fill(undefined);
  outcomesByPosition(
    results,
    groups.map((group) => ({ positions: group.positions, key: `ticket ${group.latest.ticketId}` })),
    outcomes,
  );
  return results;
}

/** Stale writes count as done (the Case keeps its newer state); each is logged by ticket id and counted. */
async function settleStaleCases(
  groups: readonly TicketGroup[],
  outcomes: Array<UpsertOutcome | undefined>,
  salesforce: SalesforceGateway,
): Promise<void> {
  const stale = await settleStaleWrites(
    salesforce,
    CASE_TARGET,
    groups.map((group) => group.latest.ticketId),
    outcomes,
  );
  const settled = stale.filter((i) => !(outcomes[i] instanceof Error));
  for (const i of settled) {
    const latest = groups[i]?.latest;
    logger.info('Older ticket state ignored: the Case holds a newer one', {
      ticketId: latest?.ticketId,
      updatedAt: latest?.updatedAt,
    });
  }
  if (settled.length > 0) metrics.addMetric('StaleTicketChanges', MetricUnit.Count, settled.length);
}

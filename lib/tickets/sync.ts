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
import { toCaseFields, type CaseMapping } from './case-mapping.js';
import type { ContactLookup, RequesterContact } from './contacts.js';
import { ticketEvents } from './events.js';
import type { TicketChange } from './ticket-change.js';

export type UnmatchedPolicy = 'skip' | 'email';

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

interface TicketGroup {
  changes: TicketChange[];
  positions: number[];
  latest: TicketChange;
  externalId: string | null;
  email: string | null;
}

/** The Case field that holds the ticket's `updated_at`: the version the Zendesk_Stale_Update rule compares. */
const VERSION_FIELD = 'Zendesk_Updated_At__c';

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
  const contacts = await deps.contacts.byEmail(
    groups.flatMap((group) => (!group.externalId && group.email ? [group.email] : [])),
  );

  const outcomes: Array<UpsertOutcome | undefined> = await deps.salesforce.upsert(
    'Case',
    'Zendesk_Ticket_Id__c',
    groups.map((group) => caseRecord(group, contacts, deps.mapping, true)),
  );
  await rewriteWithoutMissingParents(groups, outcomes, (unlinked) =>
    deps.salesforce.upsert(
      'Case',
      'Zendesk_Ticket_Id__c',
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
    const appUserId = ticket.externalId ?? (ticket.email ? contacts.get(ticket.email)?.App_User_Id__c : null) ?? null;
    if (!appUserId) unmatched.push(ticket.latest.ticketId);
    const distinctId = appUserId ?? (deps.unmatchedPolicy === 'email' ? ticket.email : null);
    if (!distinctId) return;
    for (const change of ticket.changes) {
      for (const intent of ticketEvents(change, distinctId, outcome.id))
        intents.set(intent.type === 'mixpanel.event' ? intent.event.properties.$insert_id : '', intent);
    }
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
    { object: 'Case', externalIdField: 'Zendesk_Ticket_Id__c' },
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

/**
 * One group per ticket: the Case is written from the change with the latest `updated_at` (the
 * later delivery on a tie), and the requester from that change, else from the others.
 */
function groupByTicket(changes: readonly TicketChange[]): TicketGroup[] {
  const byTicket = new Map<string, { changes: TicketChange[]; positions: number[] }>();
  changes.forEach((change, position) => {
    const group = byTicket.get(change.ticketId) ?? { changes: [], positions: [] };
    group.changes.push(change);
    group.positions.push(position);
    byTicket.set(change.ticketId, group);
  });
  return [...byTicket.values()].map(({ changes: own, positions }) => {
    // Newest first; of two with the same updated_at, the later delivery first.
    const newestFirst = own
      .map((change, order) => ({ change, order, at: Date.parse(change.updatedAt) }))
      .sort((a, b) => b.at - a.at || b.order - a.order)
      .map(({ change }) => change);
    const latest = newestFirst[0] as TicketChange;
    return {
      changes: own,
      positions,
      latest,
      externalId: newestFirst.find((change) => change.requester.externalId)?.requester.externalId ?? null,
      email: newestFirst.find((change) => change.requester.email)?.requester.email?.toLowerCase() ?? null,
    };
  });
}

function caseRecord(
  group: TicketGroup,
  contacts: Map<string, RequesterContact>,
  mapping: CaseMapping,
  withLinks: boolean,
): Record<string, unknown> {
  const record: Record<string, unknown> = {
    Zendesk_Ticket_Id__c: group.latest.ticketId,
    ...toCaseFields(group.latest, mapping),
    // Written whatever the mapping says: without it the Case's ordering rule has nothing to compare.
    [VERSION_FIELD]: group.latest.updatedAt,
  };
  if (!withLinks) return record;
  // Links through external ids cost no query; only email-only requesters need the Contact query.
  if (group.latest.accountExternalId) record.Account = { App_Account_Id__c: group.latest.accountExternalId };
  if (group.externalId) {
    record.Contact = { App_User_Id__c: group.externalId };
  } else if (group.email) {
    const contact = contacts.get(group.email);
    if (contact) {
      record.ContactId = contact.Id;
      if (contact.AccountId && !record.Account) record.AccountId = contact.AccountId;
    }
  }
  return record;
}

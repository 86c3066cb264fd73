import type { MixpanelIntent } from '../clients/mixpanel/intents.js';
import { toCaseFields, type CaseMapping } from './case-mapping.js';
import type { RequesterContact } from './contacts.js';
import { ticketEvents } from './events.js';
import type { TicketChange } from './ticket-change.js';

/**
 * The pure half of the ticket sync: which Case each ticket becomes and which events it puts on
 * whose timeline. `syncTickets` writes what these plan; a dry run prints it.
 */

export type UnmatchedPolicy = 'skip' | 'email';

/** The changes of one ticket in a batch: one Case upsert, each change its own events. */
export interface TicketGroup {
  changes: TicketChange[];
  positions: number[];
  latest: TicketChange;
  externalId: string | null;
  email: string | null;
}

/** The object and external id the Case upsert goes through. */
export const CASE_TARGET = { object: 'Case', externalIdField: 'Zendesk_Ticket_Id__c' } as const;

/** The Case field that holds the ticket's `updated_at`: the version the Zendesk_Stale_Update rule compares. */
export const VERSION_FIELD = 'Zendesk_Updated_At__c';

/**
 * One group per ticket: the Case is written from the change with the latest `updated_at` (the
 * later delivery on a tie), and the requester from that change, else from the others.
 */
export function groupByTicket(changes: readonly TicketChange[]): TicketGroup[] {
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

/** The emails whose Contacts the batch needs: requesters known by email alone. */
export function emailsToLookUp(groups: readonly TicketGroup[]): string[] {
  return groups.flatMap((group) => (!group.externalId && group.email ? [group.email] : []));
}

/**
 * The Case record of a ticket; `withLinks` false is the retry without Contact and Account links
 * when a linked parent does not exist.
 */
export function caseRecord(
  group: TicketGroup,
  contacts: ReadonlyMap<string, RequesterContact>,
  mapping: CaseMapping,
  withLinks: boolean,
): Record<string, unknown> {
  const record: Record<string, unknown> = {
    [CASE_TARGET.externalIdField]: group.latest.ticketId,
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

/**
 * Whose timeline a ticket's events go on: the app user id (the requester's external id, else its
 * Contact's), else under the `email` policy the email; `distinctId` null means no events.
 */
export function timelineOf(
  group: TicketGroup,
  contacts: ReadonlyMap<string, RequesterContact>,
  policy: UnmatchedPolicy,
): { appUserId: string | null; distinctId: string | null } {
  const appUserId = group.externalId ?? (group.email ? contacts.get(group.email)?.App_User_Id__c : null) ?? null;
  return { appUserId, distinctId: appUserId ?? (policy === 'email' ? group.email : null) };
}

/** Every change's events of one ticket, on `distinctId`'s timeline, carrying the Case id. */
export function groupEvents(group: TicketGroup, distinctId: string, caseId: string): MixpanelIntent[] {
  return group.changes.flatMap((change) => ticketEvents(change, distinctId, caseId));
}

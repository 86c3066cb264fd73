import * as z from '../zod-mini.js';
import type { OutgoingMessage } from '../clients/queue-gateway.js';
import { TicketChange } from './ticket-change.js';

/** On the salesforce queue: upsert the ticket's Case, then its Mixpanel events. */
export const TicketSyncIntent = z.object({ type: z.literal('ticket.sync'), change: TicketChange });
export type TicketSyncIntent = z.infer<typeof TicketSyncIntent>;

/** On the zendesk queue: find the requester's email and external id, then sync. */
export const ResolveRequesterIntent = z.object({ type: z.literal('ticket.resolve-requester'), change: TicketChange });
export type ResolveRequesterIntent = z.infer<typeof ResolveRequesterIntent>;

export function toQueueMessage(intent: TicketSyncIntent | ResolveRequesterIntent): OutgoingMessage {
  return { body: JSON.stringify(intent), attributes: { intent: intent.type, ticket_id: intent.change.ticketId } };
}

/** A change whose requester is known only by Zendesk id needs a Zendesk look-up first. */
export function needsRequesterLookup(change: TicketChange): boolean {
  return !change.requester.externalId && !change.requester.email && change.requester.zendeskId !== null;
}

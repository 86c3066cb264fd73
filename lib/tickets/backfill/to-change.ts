import type { ZendeskTicketRecord } from '../../clients/zendesk/gateway.js';
import { TICKET_STATUSES, ticketUrl, type TicketChange, type TicketStatus } from '../ticket-change.js';

/**
 * A ticket from the incremental export as a change: its creation and, when it is solved or
 * closed, its solving. The same `$insert_id`s as the webhooks make a backfill over tickets the
 * webhooks already relayed a no-op on the timeline.
 */
export function changeFromExport(ticket: ZendeskTicketRecord, zendeskApiUrl: string): TicketChange {
  const status: TicketStatus = (TICKET_STATUSES as readonly string[]).includes(ticket.status)
    ? (ticket.status as TicketStatus)
    : 'open';
  return {
    ticketId: String(ticket.id),
    subject: ticket.subject,
    status,
    priority: ticket.priority,
    type: ticket.type,
    channel: ticket.channel,
    tags: ticket.tags,
    createdAt: new Date(ticket.createdAt).toISOString(),
    updatedAt: new Date(ticket.updatedAt).toISOString(),
    url: ticketUrl(zendeskApiUrl, String(ticket.id)),
    requester: { zendeskId: String(ticket.requesterId), email: null, externalId: null },
    accountExternalId: null,
    events: status === 'solved' || status === 'closed' ? ['created', 'solved'] : ['created'],
    source: 'backfill',
  };
}

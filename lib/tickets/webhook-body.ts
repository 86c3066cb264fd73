import * as z from '../zod-mini.js';
import { dateTime, eventTime } from '../date-time.js';
import { TICKET_STATUSES, type TicketChange, type TicketEventKind, type TicketStatus } from './ticket-change.js';
import {
  accountExternalId,
  channel,
  email,
  externalId,
  optionalZendeskId,
  priority,
  subject,
  tags,
  ticketType,
  zendeskId,
} from './ticket-fields.js';

// Event payloads send enums upper-case ("OPEN"); trigger placeholders send labels ("On-hold").
const status = z.pipe(
  z.pipe(
    z.string(),
    z.transform((value: string) =>
      value
        .trim()
        .toLowerCase()
        .replace(/^on-hold$/, 'hold'),
    ),
  ),
  z.enum(TICKET_STATUSES, { error: `must be one of ${TICKET_STATUSES.join(', ')}` }),
);

/** An event-subscribed webhook body for `zen:event-type:ticket.*` (ids in `detail` are strings). */
export const TicketEventBody = z.object({
  type: z.string().check(z.regex(/^zen:event-type:ticket\.[a-z_]+$/, 'must be a zen:event-type:ticket.* event type')),
  account_id: z.number().check(z.int()),
  id: z.string().check(z.minLength(1), z.maxLength(255)),
  time: dateTime,
  detail: z.object({
    id: zendeskId,
    subject,
    status,
    priority,
    type: ticketType,
    requester_id: zendeskId,
    tags,
    created_at: eventTime,
    updated_at: eventTime,
    via: z.nullish(z.object({ channel })),
  }),
});
export type TicketEventBody = z.infer<typeof TicketEventBody>;

/** The body of the recommended trigger webhook (README "Connecting a real Zendesk"). */
export const TriggerBody = z.object({
  ticket: z.object({
    id: zendeskId,
    subject,
    status,
    priority,
    type: ticketType,
    via: channel,
    tags,
    created_at: eventTime,
    updated_at: eventTime,
  }),
  requester: z.object({
    id: optionalZendeskId,
    email,
    external_id: externalId,
  }),
  organization: z.optional(z.object({ external_id: accountExternalId })),
});
export type TriggerBody = z.infer<typeof TriggerBody>;

/** Which Mixpanel events an event-subscribed webhook stands for. */
function eventKinds(type: string, current: TicketStatus): TicketEventKind[] {
  switch (type) {
    case 'zen:event-type:ticket.created':
      return current === 'solved' ? ['created', 'solved'] : ['created'];
    case 'zen:event-type:ticket.status_changed':
      return current === 'solved' ? ['solved'] : ['updated'];
    case 'zen:event-type:ticket.priority_changed':
      return ['updated'];
    default:
      return [];
  }
}

export function fromEventBody(body: TicketEventBody, url: string | null): TicketChange {
  const { detail } = body;
  return {
    ticketId: detail.id,
    subject: detail.subject,
    status: detail.status,
    priority: detail.priority,
    type: detail.type,
    channel: detail.via?.channel ?? null,
    tags: detail.tags,
    createdAt: detail.created_at,
    updatedAt: detail.updated_at,
    url,
    // Event payloads name the requester only by Zendesk id: the zendesk-reader resolves it.
    requester: { zendeskId: detail.requester_id, email: null, externalId: null },
    accountExternalId: null,
    events: eventKinds(body.type, detail.status),
    source: `event:${body.id}`,
  };
}

/**
 * A trigger fires on creation or on the conditions the admin chose (README: status or priority
 * changed); it does not say which, so the ticket's own times and status tell.
 */
export function fromTriggerBody(body: TriggerBody, url: string | null): TicketChange {
  const { ticket, requester } = body;
  const created = ticket.created_at === ticket.updated_at;
  const events: TicketEventKind[] = created ? ['created'] : ticket.status === 'solved' ? ['solved'] : ['updated'];
  return {
    ticketId: ticket.id,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    type: ticket.type,
    channel: ticket.via,
    tags: ticket.tags,
    createdAt: ticket.created_at,
    updatedAt: ticket.updated_at,
    url,
    requester: { zendeskId: requester.id, email: requester.email, externalId: requester.external_id },
    accountExternalId: body.organization?.external_id ?? null,
    events,
    source: 'trigger',
  };
}

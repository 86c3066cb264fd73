import { z } from 'zod';
import {
  blankToNull,
  TICKET_STATUSES,
  type TicketChange,
  type TicketEventKind,
  type TicketStatus,
} from './ticket-change.js';

const digits = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d+$/, 'must be a numeric Zendesk id'));
const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => blankToNull(value === undefined || value === null ? null : String(value)));

/** Any ISO 8601 date-time (trigger placeholders render to the minute), normalised to full ISO. */
const isoTime = z
  .string()
  .refine(
    (value) => /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)),
    'must be an ISO 8601 date-time',
  )
  .transform((value) => new Date(value).toISOString());

// Event payloads send enums upper-case ("OPEN"); trigger placeholders send labels ("On-hold").
const status = z
  .string()
  .transform((value) =>
    value
      .trim()
      .toLowerCase()
      .replace(/^on-hold$/, 'hold'),
  )
  .pipe(z.enum(TICKET_STATUSES, { error: `must be one of ${TICKET_STATUSES.join(', ')}` }));

const lowerOrNull = optionalText.transform((value) => value?.toLowerCase() ?? null);

/** `{{ticket.via}}` renders a label; the REST API and events use the channel name. */
const VIA_CHANNELS: Record<string, string> = {
  'web form': 'web',
  mail: 'email',
  'web service': 'api',
  chat: 'chat',
  'web widget': 'web_widget',
};
const channel = optionalText.transform((value) =>
  value === null ? null : (VIA_CHANNELS[value.toLowerCase()] ?? value.toLowerCase().replace(/\s+/g, '_')),
);
const tags = z
  .union([z.array(z.string()), z.string()])
  .nullish()
  .transform((value) => (typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : (value ?? [])));

/** An event-subscribed webhook body for `zen:event-type:ticket.*` (ids in `detail` are strings). */
export const TicketEventBody = z.object({
  type: z.string().regex(/^zen:event-type:ticket\.[a-z_]+$/, 'must be a zen:event-type:ticket.* event type'),
  account_id: z.number().int(),
  id: z.string().min(1),
  time: isoTime,
  detail: z.object({
    id: digits,
    subject: optionalText,
    status,
    priority: lowerOrNull,
    type: lowerOrNull,
    requester_id: digits,
    tags,
    created_at: isoTime,
    updated_at: isoTime,
    via: z.object({ channel: z.string() }).nullish(),
  }),
});
export type TicketEventBody = z.infer<typeof TicketEventBody>;

/** The body of the recommended trigger webhook (README "Connecting a real Zendesk"). */
export const TriggerBody = z.object({
  ticket: z.object({
    id: digits,
    subject: optionalText,
    status,
    priority: lowerOrNull,
    type: lowerOrNull,
    via: channel,
    tags,
    created_at: isoTime,
    updated_at: isoTime,
  }),
  requester: z.object({
    id: optionalText,
    email: optionalText,
    external_id: optionalText,
  }),
  organization: z.object({ external_id: optionalText }).optional(),
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

import type { ZendeskTicket, ZendeskUser } from './serialize.js';

/**
 * The JSON body the hub recommends for a trigger-connected webhook (paste it into the webhook
 * action of a "ticket is created or updated" trigger). Every value is quoted, so the body stays
 * valid JSON when a placeholder renders empty (e.g. a requester without an external id).
 */
export const TRIGGER_BODY_TEMPLATE = `{
  "ticket": {
    "id": "{{ticket.id}}",
    "external_id": "{{ticket.external_id}}",
    "subject": "{{ticket.title}}",
    "status": "{{ticket.status}}",
    "priority": "{{ticket.priority}}",
    "type": "{{ticket.ticket_type}}",
    "via": "{{ticket.via}}",
    "tags": "{{ticket.tags}}",
    "created_at": "{{ticket.created_at_with_timestamp}}",
    "updated_at": "{{ticket.updated_at_with_timestamp}}"
  },
  "requester": {
    "id": "{{ticket.requester.id}}",
    "name": "{{ticket.requester.name}}",
    "email": "{{ticket.requester.email}}",
    "external_id": "{{ticket.requester.external_id}}"
  },
  "organization": {
    "external_id": "{{ticket.organization.external_id}}"
  }
}`;

const STATUS_LABELS: Record<ZendeskTicket['status'], string> = {
  new: 'New',
  open: 'Open',
  pending: 'Pending',
  hold: 'On-hold',
  solved: 'Solved',
  closed: 'Closed',
};
/** How `{{ticket.via}}` names common channels (unverified beyond these; others are capitalised). */
const VIA_LABELS: Record<string, string> = { web: 'Web Form', email: 'Mail', api: 'Web Service', chat: 'Chat' };

const capitalise = (value: string | null): string =>
  value === null ? '' : value.charAt(0).toUpperCase() + value.slice(1);

/**
 * `*_with_timestamp` placeholders render ISO 8601 to the minute, e.g. `2013-12-12T05:35Z`
 * (support.zendesk.com "Zendesk placeholders reference").
 */
const toMinute = (iso: string): string => iso.replace(/:\d{2}Z$/, 'Z');

/** The values placeholders render to: display labels, not API enums, and '' for what is unset. */
export function placeholderValues(ticket: ZendeskTicket, requester: ZendeskUser): Record<string, string> {
  return {
    'ticket.id': String(ticket.id),
    'ticket.external_id': ticket.external_id ?? '',
    'ticket.title': ticket.subject,
    'ticket.status': STATUS_LABELS[ticket.status],
    'ticket.priority': capitalise(ticket.priority),
    'ticket.ticket_type': capitalise(ticket.type),
    'ticket.via': VIA_LABELS[ticket.via.channel] ?? capitalise(ticket.via.channel),
    'ticket.tags': ticket.tags.join(' '),
    'ticket.created_at_with_timestamp': toMinute(ticket.created_at),
    'ticket.updated_at_with_timestamp': toMinute(ticket.updated_at),
    'ticket.requester.id': String(requester.id),
    'ticket.requester.name': requester.name,
    'ticket.requester.email': requester.email ?? '',
    'ticket.requester.external_id': requester.external_id ?? '',
    // The sandbox holds no organization records, so this renders as for a ticket without one.
    'ticket.organization.external_id': '',
  };
}

/**
 * Renders a trigger webhook body: each `{{placeholder}}` becomes its value, JSON-escaped because the
 * template quotes it; unknown placeholders render empty, as Zendesk leaves them.
 */
export function renderTriggerBody(
  ticket: ZendeskTicket,
  requester: ZendeskUser,
  template: string = TRIGGER_BODY_TEMPLATE,
): string {
  const values = placeholderValues(ticket, requester);
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) =>
    JSON.stringify(values[name] ?? '').slice(1, -1),
  );
}

import { createHash } from 'node:crypto';
import type { TicketPriority, TicketStatus } from './model.js';
import type { ZendeskTicket } from './serialize.js';

/** The ticket event types the hub subscribes to (api-reference/webhooks/event-types/ticket-events). */
export type TicketEventChange =
  | { type: 'ticket.created' }
  | { type: 'ticket.status_changed'; previous: TicketStatus }
  | { type: 'ticket.priority_changed'; previous: TicketPriority | null }
  | {
      type: 'ticket.comment_added';
      comment: { id: number; body: string; isPublic: boolean; author: { id: number; name: string; isStaff: boolean } };
    };

/**
 * The ticket as an event's `detail` carries it: ids as strings, `external_id` a string or null,
 * and status, priority and type upper-case (as captured payloads show, e.g. `"status":"OPEN"`).
 */
export interface TicketEventDetail {
  actor_id: string;
  assignee_id: string | null;
  brand_id: string | null;
  created_at: string;
  custom_status: string | null;
  description: string;
  external_id: string | null;
  form_id: string | null;
  group_id: string | null;
  id: string;
  is_public: boolean;
  organization_id: string | null;
  priority: string | null;
  requester_id: string;
  status: string;
  subject: string;
  submitter_id: string;
  tags: string[];
  type: string | null;
  updated_at: string;
  via: { channel: string };
}

/** An event-subscribed webhook body (api-reference/webhooks/event-types/webhook-event-types, "Event schema"). */
export interface ZendeskTicketEvent {
  type: `zen:event-type:${TicketEventChange['type']}`;
  account_id: number;
  id: string;
  time: string;
  zendesk_event_version: '2022-11-06';
  subject: `zen:ticket:${number}`;
  detail: TicketEventDetail;
  event: Record<string, unknown>;
}

export interface TicketEventOptions {
  accountId: number;
  /** When the event happened. */
  at: Date;
  /** Who made the change; defaults to the requester. */
  actorId?: number;
  /** Events raised by one action share a sequence id and count their position from 1. */
  sequence?: { id: string; position: number };
}

const idString = (id: number | null): string | null => (id === null ? null : String(id));
const upper = (value: string | null): string | null => (value === null ? null : value.toUpperCase());

/** `detail` for a ticket in its current (post-change) state. */
export function ticketEventDetail(ticket: ZendeskTicket, actorId: number): TicketEventDetail {
  return {
    actor_id: String(actorId),
    assignee_id: idString(ticket.assignee_id),
    brand_id: idString(ticket.brand_id),
    created_at: ticket.created_at,
    custom_status: null,
    description: ticket.description,
    external_id: ticket.external_id,
    form_id: idString(ticket.ticket_form_id),
    group_id: idString(ticket.group_id),
    id: String(ticket.id),
    is_public: ticket.is_public,
    organization_id: idString(ticket.organization_id),
    priority: upper(ticket.priority),
    requester_id: String(ticket.requester_id),
    status: ticket.status.toUpperCase(),
    subject: ticket.subject,
    submitter_id: String(ticket.submitter_id),
    tags: [...ticket.tags],
    type: upper(ticket.type),
    updated_at: ticket.updated_at,
    via: { channel: ticket.via.channel },
  };
}

/**
 * Builds the body Zendesk posts for one ticket event. `ticket.created` carries an empty `event`;
 * change events carry `current`/`previous` (or the `comment`) plus `meta.sequence`.
 */
export function buildTicketEvent(
  ticket: ZendeskTicket,
  change: TicketEventChange,
  options: TicketEventOptions,
): ZendeskTicketEvent {
  const sequence = options.sequence ?? {
    id: digest(`${ticket.id}|${ticket.updated_at}`).slice(0, 32).toUpperCase(),
    position: 1,
  };
  const time = eventTime(options.at);
  return {
    type: `zen:event-type:${change.type}`,
    account_id: options.accountId,
    id: uuidFrom(`${change.type}|${ticket.id}|${time}|${sequence.id}|${sequence.position}`),
    time,
    zendesk_event_version: '2022-11-06',
    subject: `zen:ticket:${ticket.id}`,
    detail: ticketEventDetail(ticket, options.actorId ?? ticket.requester_id),
    event: eventPayload(ticket, change, sequence),
  };
}

type Sequence = NonNullable<TicketEventOptions['sequence']>;

function eventPayload(ticket: ZendeskTicket, change: TicketEventChange, sequence: Sequence): Record<string, unknown> {
  const meta = { sequence };
  switch (change.type) {
    case 'ticket.created':
      return {};
    case 'ticket.status_changed':
      return { current: ticket.status.toUpperCase(), previous: change.previous.toUpperCase(), meta };
    case 'ticket.priority_changed':
      return { current: upper(ticket.priority), previous: upper(change.previous), meta };
    case 'ticket.comment_added': {
      const { comment } = change;
      return {
        comment: {
          author: { id: String(comment.author.id), is_staff: comment.author.isStaff, name: comment.author.name },
          body: comment.body,
          id: String(comment.id),
          is_public: comment.isPublic,
        },
        meta,
      };
    }
  }
}

/** Event times have nanosecond digits, e.g. `2025-01-08T10:12:07.672717030Z`. */
function eventTime(at: Date): string {
  return at.toISOString().replace(/Z$/, '000000Z');
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A stable UUID-shaped event id, so the same event rebuilt is the same delivery (receivers dedupe on it). */
function uuidFrom(text: string): string {
  const h = digest(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

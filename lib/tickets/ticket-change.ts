import * as z from '../zod-mini.js';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Which Mixpanel events a change produces; comments, tag edits and the like only refresh the Case. */
export const TicketEventKind = z.enum(['created', 'updated', 'solved']);
export type TicketEventKind = z.infer<typeof TicketEventKind>;

/**
 * One observed state of a Zendesk ticket, whatever brought it (event webhook, trigger webhook,
 * backfill): what the Salesforce writer turns into a Case and the Mixpanel sender into events.
 */
export const TicketChange = z.object({
  ticketId: z.string().check(z.regex(/^\d+$/, 'must be a Zendesk ticket id')),
  subject: z.nullable(z.string()),
  status: z.enum(TICKET_STATUSES),
  priority: z.nullable(z.string()),
  type: z.nullable(z.string()),
  channel: z.nullable(z.string()),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  url: z.nullable(z.string()),
  requester: z.object({
    zendeskId: z.nullable(z.string()),
    email: z.nullable(z.string()),
    externalId: z.nullable(z.string()),
  }),
  /** The app's account id (Zendesk organization `external_id`), when the payload carries it. */
  accountExternalId: z._default(z.nullable(z.string()), null),
  events: z.array(TicketEventKind),
  /** Where the change came from, e.g. `event:01HZ…`, `trigger`, `backfill`. */
  source: z.string(),
});
export type TicketChange = z.infer<typeof TicketChange>;

/** The agent-interface link of a ticket, from the API base (`https://acme.zendesk.com/api/v2`). */
export function ticketUrl(apiUrl: string | undefined, ticketId: string): string | null {
  if (!apiUrl) return null;
  return `${apiUrl.replace(/\/api\/v2\/?$/, '')}/agent/tickets/${ticketId}`;
}

/** Blank placeholder renderings and absent values are the same thing: unknown. */
export function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

import * as z from '../../zod-mini.js';
import { PermanentError } from '../../errors.js';
import type { ExportPage, ZendeskTicketRecord, ZendeskUserSummary } from './gateway.js';

const id = z.number().check(z.int(), z.positive());
const orNull = <T extends z.core.SomeType>(schema: T) =>
  z.pipe(
    z.nullish(schema),
    z.transform((value: z.output<T> | null | undefined) => value ?? null),
  );

/**
 * A user in the Users API JSON (api-reference/ticketing/users/users#json-format); only the fields
 * the hub reads, unknown ones dropped.
 */
export const ZendeskUserJson = z.object({
  id,
  name: z.string(),
  email: orNull(z.string()),
  external_id: orNull(z.string()),
  organization_id: orNull(id),
});
export type ZendeskUserJson = z.input<typeof ZendeskUserJson>;

/**
 * A ticket in the Tickets API JSON (api-reference/ticketing/tickets/tickets#json-format). The
 * incremental export sends the same object plus `generated_timestamp`, so one schema reads both.
 */
export const ZendeskTicketJson = z.object({
  id,
  url: z.string(),
  subject: orNull(z.string()),
  status: z.string(),
  priority: orNull(z.string()),
  type: orNull(z.string()),
  tags: orNull(z.array(z.string())),
  requester_id: id,
  organization_id: orNull(id),
  // `via.channel` is a name such as "web" or "email"; some older payloads carry a numeric code.
  via: orNull(z.object({ channel: orNull(z.union([z.string(), z.number()])) })),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ZendeskTicketJson = z.input<typeof ZendeskTicketJson>;

/** A page of `GET /incremental/tickets/cursor.json` (api-reference/ticketing/ticket-management/incremental_exports). */
const ExportPageJson = z.object({
  tickets: z.array(z.unknown()),
  after_cursor: orNull(z.string()),
  end_of_stream: z.boolean(),
});

/** Maps a Users API user to the hub's summary; a body of the wrong shape is a `PermanentError`. */
export function toUserSummary(json: unknown): ZendeskUserSummary {
  const user = parse(ZendeskUserJson, json, 'user');
  return {
    id: user.id,
    email: user.email,
    externalId: user.external_id,
    name: user.name,
    organizationId: user.organization_id,
  };
}

/** Maps a ticket from the Tickets API or the incremental export to the hub's record. */
export function toTicketRecord(json: unknown): ZendeskTicketRecord {
  const ticket = parse(ZendeskTicketJson, json, 'ticket');
  const channel = ticket.via?.channel;
  return {
    id: ticket.id,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    type: ticket.type,
    tags: ticket.tags ?? [],
    requesterId: ticket.requester_id,
    organizationId: ticket.organization_id,
    channel: channel === null || channel === undefined ? null : String(channel),
    createdAt: ticket.created_at,
    updatedAt: ticket.updated_at,
    url: ticket.url,
  };
}

/** Maps one incremental export page. */
export function toExportPage(json: unknown): ExportPage {
  const page = parse(ExportPageJson, json, 'incremental export page');
  return { tickets: page.tickets.map(toTicketRecord), afterCursor: page.after_cursor, endOfStream: page.end_of_stream };
}

function parse<T extends z.core.$ZodType>(schema: T, json: unknown, what: string): z.output<T> {
  const result = z.safeParse(schema, json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.map(String).join('.') || '(root)';
  throw new PermanentError(`Zendesk sent an unexpected ${what}: ${where}: ${issue?.message ?? 'invalid'}`, {
    code: 'ZENDESK_UNEXPECTED_RESPONSE',
  });
}

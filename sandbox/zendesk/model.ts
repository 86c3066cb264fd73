import { z } from 'zod';

/** Ticket enums as the REST API spells them (api-reference/ticketing/tickets/tickets). */
export const TicketStatus = z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed']);
export type TicketStatus = z.infer<typeof TicketStatus>;
export const TicketPriority = z.enum(['urgent', 'high', 'normal', 'low']);
export type TicketPriority = z.infer<typeof TicketPriority>;
export const TicketType = z.enum(['problem', 'incident', 'question', 'task']);
export type TicketType = z.infer<typeof TicketType>;
export const UserRole = z.enum(['end-user', 'agent', 'admin']);
export type UserRole = z.infer<typeof UserRole>;

const isoTime = z.iso.datetime({ offset: true });

/** What a test or seed supplies to create a user; the emulator fills the id and timestamps. */
export const UserInput = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().min(1),
  email: z.email().nullable().default(null),
  external_id: z.string().min(1).nullable().default(null),
  organization_id: z.number().int().positive().nullable().default(null),
  role: UserRole.default('end-user'),
  tags: z.array(z.string()).default([]),
  created_at: isoTime.optional(),
  updated_at: isoTime.optional(),
});
export type UserInput = z.input<typeof UserInput>;

/** What a test or seed supplies to create a ticket. */
export const TicketInput = z.object({
  id: z.number().int().positive().optional(),
  subject: z.string().min(1),
  description: z.string().default(''),
  status: TicketStatus.default('new'),
  priority: TicketPriority.nullable().default(null),
  type: TicketType.nullable().default(null),
  requester_id: z.number().int().positive(),
  submitter_id: z.number().int().positive().optional(),
  assignee_id: z.number().int().positive().nullable().default(null),
  organization_id: z.number().int().positive().nullable().optional(),
  group_id: z.number().int().positive().nullable().default(null),
  external_id: z.string().min(1).nullable().default(null),
  tags: z.array(z.string()).default([]),
  channel: z.string().min(1).default('web'),
  created_at: isoTime.optional(),
  updated_at: isoTime.optional(),
});
export type TicketInput = z.input<typeof TicketInput>;

/** A change to a ticket; `comment` adds a comment the way an agent reply or customer answer does. */
export const TicketPatch = z.object({
  subject: z.string().min(1).optional(),
  status: TicketStatus.optional(),
  priority: TicketPriority.nullable().optional(),
  type: TicketType.nullable().optional(),
  assignee_id: z.number().int().positive().nullable().optional(),
  tags: z.array(z.string()).optional(),
  external_id: z.string().min(1).nullable().optional(),
  comment: z
    .object({
      body: z.string().min(1),
      public: z.boolean().default(true),
      author_id: z.number().int().positive().optional(),
    })
    .optional(),
});
export type TicketPatch = z.input<typeof TicketPatch>;

/** A user as the store holds it: times in epoch seconds, as Zendesk keeps them. */
export interface UserRecord {
  id: number;
  name: string;
  email: string | null;
  external_id: string | null;
  organization_id: number | null;
  role: UserRole;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

/** A ticket as the store holds it; `seq` orders changes with the same second for the export. */
export interface TicketRecord {
  id: number;
  subject: string;
  description: string;
  status: TicketStatus;
  priority: TicketPriority | null;
  type: TicketType | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  organization_id: number | null;
  group_id: number | null;
  external_id: string | null;
  tags: string[];
  channel: string;
  createdAt: number;
  updatedAt: number;
  seq: number;
}

/** Converts an ISO time to the epoch seconds Zendesk timestamps carry. */
export function toEpochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** Zendesk's timestamp format: ISO 8601 in UTC without fractions, e.g. `2024-04-17T17:18:10Z`. */
export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

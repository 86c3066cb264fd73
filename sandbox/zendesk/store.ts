import { TicketInput, TicketPatch, UserInput, toEpochSeconds, type TicketRecord, type UserRecord } from './model.js';

/** First ids handed out; Zendesk user ids are large account-wide numbers, ticket ids count from 1 per account. */
const FIRST_USER_ID = 370_000_000_001;
const FIRST_TICKET_ID = 1;

/** A change made by `updateTicket`, kept whole so a webhook can describe it. */
export interface TicketChange {
  before: TicketRecord;
  after: TicketRecord;
  comment?: { body: string; public: boolean; author_id: number };
}

/** Where the incremental export stands: after the change at (`updatedAt`, `seq`). */
export interface ExportPosition {
  updatedAt: number;
  seq: number;
}

/**
 * The emulator's data: users and tickets with Zendesk's uniqueness rules (one user per email and
 * per external id), ids from counters, and the change order the incremental export follows.
 */
export class ZendeskStore {
  private users = new Map<number, UserRecord>();
  private tickets = new Map<number, TicketRecord>();
  private byEmail = new Map<string, number>();
  private byExternalId = new Map<string, number>();
  private nextUserId = FIRST_USER_ID;
  private nextTicketId = FIRST_TICKET_ID;
  private nextSeq = 1;
  private exportOrder: TicketRecord[] | undefined;

  constructor(private readonly nowMs: () => number) {}

  /** Adds a user; throws on a taken id, email or external id, as Zendesk refuses duplicates. */
  addUser(input: UserInput): UserRecord {
    const parsed = UserInput.parse(input);
    const id = parsed.id ?? this.nextUserId;
    if (this.users.has(id)) throw new Error(`User ${id} already exists`);
    const email = parsed.email?.toLowerCase() ?? null;
    if (email !== null && this.byEmail.has(email)) throw new Error(`Email ${email} is already taken`);
    if (parsed.external_id !== null && this.byExternalId.has(parsed.external_id)) {
      throw new Error(`External id ${parsed.external_id} is already taken`);
    }
    const createdAt = parsed.created_at ? toEpochSeconds(parsed.created_at) : this.nowSeconds();
    const user: UserRecord = {
      id,
      name: parsed.name,
      email,
      external_id: parsed.external_id,
      organization_id: parsed.organization_id,
      role: parsed.role,
      tags: parsed.tags,
      createdAt,
      updatedAt: parsed.updated_at ? toEpochSeconds(parsed.updated_at) : createdAt,
    };
    this.users.set(id, user);
    if (email !== null) this.byEmail.set(email, id);
    if (user.external_id !== null) this.byExternalId.set(user.external_id, id);
    this.nextUserId = Math.max(this.nextUserId, id + 1);
    return user;
  }

  /** Adds a ticket for an existing requester; its organization defaults to the requester's. */
  addTicket(input: TicketInput): TicketRecord {
    const parsed = TicketInput.parse(input);
    const id = parsed.id ?? this.nextTicketId;
    if (this.tickets.has(id)) throw new Error(`Ticket ${id} already exists`);
    const requester = this.users.get(parsed.requester_id);
    if (!requester) throw new Error(`Requester ${parsed.requester_id} does not exist`);
    const createdAt = parsed.created_at ? toEpochSeconds(parsed.created_at) : this.nowSeconds();
    const ticket: TicketRecord = {
      id,
      subject: parsed.subject,
      description: parsed.description,
      status: parsed.status,
      priority: parsed.priority,
      type: parsed.type,
      requester_id: requester.id,
      submitter_id: parsed.submitter_id ?? requester.id,
      assignee_id: parsed.assignee_id,
      organization_id: parsed.organization_id === undefined ? requester.organization_id : parsed.organization_id,
      group_id: parsed.group_id,
      external_id: parsed.external_id,
      tags: parsed.tags,
      channel: parsed.channel,
      createdAt,
      updatedAt: parsed.updated_at ? toEpochSeconds(parsed.updated_at) : createdAt,
      seq: this.nextSeq++,
    };
    this.tickets.set(id, ticket);
    this.nextTicketId = Math.max(this.nextTicketId, id + 1);
    this.exportOrder = undefined;
    return ticket;
  }

  /** Applies a change and bumps `updated_at`, so the ticket comes up again in the incremental export. */
  updateTicket(id: number, patch: TicketPatch): TicketChange {
    const parsed = TicketPatch.parse(patch);
    const before = this.tickets.get(id);
    if (!before) throw new Error(`Ticket ${id} does not exist`);
    const { comment, ...fields } = parsed;
    if (comment?.author_id !== undefined && !this.users.has(comment.author_id)) {
      throw new Error(`Comment author ${comment.author_id} does not exist`);
    }
    const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    const after: TicketRecord = {
      ...before,
      ...defined,
      updatedAt: Math.max(this.nowSeconds(), before.updatedAt),
      seq: this.nextSeq++,
    };
    this.tickets.set(id, after);
    this.exportOrder = undefined;
    if (!comment) return { before, after };
    return {
      before,
      after,
      comment: { body: comment.body, public: comment.public, author_id: comment.author_id ?? after.requester_id },
    };
  }

  /** Look-ups by id, by email (case-insensitive, as Zendesk matches emails) and by external id. */
  ticket(id: number): TicketRecord | undefined {
    return this.tickets.get(id);
  }

  user(id: number): UserRecord | undefined {
    return this.users.get(id);
  }

  userByEmail(email: string): UserRecord | undefined {
    const id = this.byEmail.get(email.toLowerCase());
    return id === undefined ? undefined : this.users.get(id);
  }

  userByExternalId(externalId: string): UserRecord | undefined {
    const id = this.byExternalId.get(externalId);
    return id === undefined ? undefined : this.users.get(id);
  }

  allUsers(): UserRecord[] {
    return [...this.users.values()];
  }

  allTickets(): TicketRecord[] {
    return [...this.tickets.values()];
  }

  /** Tickets changed after `position` and no later than `until` (epoch seconds), oldest change first. */
  changedAfter(position: ExportPosition, until: number, limit: number): TicketRecord[] {
    this.exportOrder ??= this.allTickets().sort((a, b) => a.updatedAt - b.updatedAt || a.seq - b.seq);
    const out: TicketRecord[] = [];
    for (const ticket of this.exportOrder) {
      if (ticket.updatedAt > until || out.length >= limit) break;
      const after =
        ticket.updatedAt > position.updatedAt || (ticket.updatedAt === position.updatedAt && ticket.seq > position.seq);
      if (after) out.push(ticket);
    }
    return out;
  }

  counts(): { users: number; tickets: number } {
    return { users: this.users.size, tickets: this.tickets.size };
  }

  /** The emulator's clock in epoch seconds, the resolution of Zendesk timestamps. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** Back to an empty account; ids start again from the first. */
  clear(): void {
    this.users.clear();
    this.tickets.clear();
    this.byEmail.clear();
    this.byExternalId.clear();
    this.nextUserId = FIRST_USER_ID;
    this.nextTicketId = FIRST_TICKET_ID;
    this.nextSeq = 1;
    this.exportOrder = undefined;
  }
}

import type { ZendeskWebhookTarget } from './config.js';
import type { ZendeskTicket, ZendeskUser } from './serialize.js';
import { buildTicketEvent, type TicketEventChange } from './ticket-events.js';
import { renderTriggerBody } from './trigger-body.js';
import { sendWebhook } from './webhook-sender.js';

/** One webhook the emulator sent (or failed to send), as `webhookDeliveries()` and `/__sandbox/state` show it. */
export interface WebhookDelivery {
  url: string;
  kind: ZendeskWebhookTarget['kind'];
  /** `zen:event-type:…` for event webhooks, null for trigger bodies. */
  eventType: string | null;
  ticketId: number;
  body: string;
  status: number | null;
  response: string | null;
  error: string | null;
}

/** What changed in one `updateTicket`, in REST shapes. */
export interface NotifiedChange {
  before: ZendeskTicket;
  after: ZendeskTicket;
  requester: ZendeskUser;
  comment?: { body: string; public: boolean; author: ZendeskUser };
}

const FIRST_COMMENT_ID = 40_000_000_001;

/**
 * Sends the webhooks Zendesk would send for seeded changes, one at a time in order: one request per
 * event for an event subscription, one trigger body per create or update for a trigger.
 */
export class WebhookNotifier {
  private sent: WebhookDelivery[] = [];
  private queue: Promise<void> = Promise.resolve();
  private nextCommentId = FIRST_COMMENT_ID;

  constructor(
    private readonly target: ZendeskWebhookTarget | undefined,
    private readonly accountId: number,
    private readonly nowMs: () => number,
  ) {}

  ticketCreated(ticket: ZendeskTicket, requester: ZendeskUser): void {
    const target = this.requireTarget();
    if (target.kind === 'trigger') this.enqueue(target, null, ticket.id, renderTriggerBody(ticket, requester));
    else this.sendEvents(target, ticket, [{ type: 'ticket.created' }]);
  }

  ticketChanged(change: NotifiedChange): void {
    const target = this.requireTarget();
    const { before, after, comment } = change;
    if (target.kind === 'trigger') {
      this.enqueue(target, null, after.id, renderTriggerBody(after, change.requester));
      return;
    }
    const events: TicketEventChange[] = [];
    if (before.status !== after.status) events.push({ type: 'ticket.status_changed', previous: before.status });
    if (before.priority !== after.priority) events.push({ type: 'ticket.priority_changed', previous: before.priority });
    if (comment) {
      const { author } = comment;
      events.push({
        type: 'ticket.comment_added',
        comment: {
          id: this.nextCommentId++,
          body: comment.body,
          isPublic: comment.public,
          author: { id: author.id, name: author.name, isStaff: author.role !== 'end-user' },
        },
      });
    }
    this.sendEvents(target, after, events, comment?.author.id);
  }

  deliveries(): readonly WebhookDelivery[] {
    return this.sent;
  }

  /** Waits for every queued webhook and returns all deliveries so far. */
  async flush(): Promise<readonly WebhookDelivery[]> {
    await this.queue;
    return this.sent;
  }

  clear(): void {
    this.sent = [];
    this.nextCommentId = FIRST_COMMENT_ID;
  }

  private sendEvents(
    target: ZendeskWebhookTarget,
    ticket: ZendeskTicket,
    changes: TicketEventChange[],
    actorId?: number,
  ): void {
    const at = new Date(this.nowMs());
    const sequenceId = `${ticket.id}-${ticket.updated_at}`;
    changes.forEach((change, index) => {
      const event = buildTicketEvent(ticket, change, {
        accountId: this.accountId,
        at,
        ...(actorId === undefined ? {} : { actorId }),
        sequence: { id: sequenceId, position: index + 1 },
      });
      this.enqueue(target, event.type, ticket.id, JSON.stringify(event));
    });
  }

  private enqueue(target: ZendeskWebhookTarget, eventType: string | null, ticketId: number, body: string): void {
    const delivery: WebhookDelivery = {
      url: target.url,
      kind: target.kind,
      eventType,
      ticketId,
      body,
      status: null,
      response: null,
      error: null,
    };
    this.sent.push(delivery);
    this.queue = this.queue.then(async () => {
      try {
        const answer = await sendWebhook(target.url, body, {
          secret: target.secret,
          timestamp: new Date(this.nowMs()),
          accountId: this.accountId,
          webhookId: target.webhookId,
        });
        delivery.status = answer.status;
        delivery.response = answer.body;
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
      }
    });
  }

  private requireTarget(): ZendeskWebhookTarget {
    if (!this.target) throw new Error('notify: true needs a `webhook` target in the Zendesk emulator options');
    return this.target;
  }
}

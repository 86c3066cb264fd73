import type { QueueGateway } from '../clients/queue-gateway.js';
import { refuseLaterThan } from '../date-time.js';
import { HttpError } from '../errors.js';
import { needsRequesterLookup, toQueueMessage } from './intents.js';
import { ticketUrl, type TicketChange } from './ticket-change.js';
import { fromEventBody, fromTriggerBody, TicketEventBody, TriggerBody } from './webhook-body.js';

export type ParsedWebhook = { change: TicketChange } | { ignored: string };

// Ticket times become Mixpanel event times, which Mixpanel refuses more than an hour ahead.
const EVENT_TIME_AHEAD_MS = 60 * 60 * 1000;

/**
 * Reads either Zendesk body kind: an event-subscribed `zen:event-type:ticket.*` event, or the
 * recommended trigger body. Other Zendesk event types are acknowledged and ignored (a 4xx would
 * count towards Zendesk's circuit breaker); anything else is a 400 naming what is wrong.
 */
export function parseZendeskWebhook(body: unknown, zendeskApiUrl: string | undefined, now = Date.now()): ParsedWebhook {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'Body must be a JSON object');
  const record = body as Record<string, unknown>;
  if (typeof record.type === 'string') {
    if (!record.type.startsWith('zen:event-type:ticket.')) {
      if (record.type.startsWith('zen:event-type:')) return { ignored: `${record.type} is not a ticket event` };
      throw new HttpError(400, `Unknown event type ${record.type}; expected zen:event-type:ticket.*`);
    }
    const event = TicketEventBody.parse(body);
    refuseFutureTimes('detail', event.detail, now);
    return { change: fromEventBody(event, ticketUrl(zendeskApiUrl, event.detail.id)) };
  }
  if ('ticket' in record) {
    const trigger = TriggerBody.parse(body);
    refuseFutureTimes('ticket', trigger.ticket, now);
    return { change: fromTriggerBody(trigger, ticketUrl(zendeskApiUrl, trigger.ticket.id)) };
  }
  throw new HttpError(
    400,
    'Unrecognised body: expected a Zendesk ticket event (type "zen:event-type:ticket.*") ' +
      'or the trigger body shown in the README',
  );
}

function refuseFutureTimes(at: string, ticket: { created_at: string; updated_at: string }, now: number): void {
  refuseLaterThan(
    [
      { path: [at, 'created_at'], value: ticket.created_at },
      { path: [at, 'updated_at'], value: ticket.updated_at },
    ],
    now + EVENT_TIME_AHEAD_MS,
    'an hour',
  );
}

export interface TicketRouting {
  queue: QueueGateway;
  salesforceQueueUrl: string;
  zendeskQueueUrl: string;
}

/** Sends each change where it goes next: to Salesforce, or first to a Zendesk requester look-up. */
export async function enqueueTicketChanges(changes: readonly TicketChange[], routing: TicketRouting): Promise<void> {
  const lookups = changes.filter(needsRequesterLookup);
  const ready = changes.filter((change) => !needsRequesterLookup(change));
  if (ready.length > 0)
    await routing.queue.send(
      routing.salesforceQueueUrl,
      ready.map((change) => toQueueMessage({ type: 'ticket.sync', change })),
    );
  if (lookups.length > 0)
    await routing.queue.send(
      routing.zendeskQueueUrl,
      lookups.map((change) => toQueueMessage({ type: 'ticket.resolve-requester', change })),
    );
}

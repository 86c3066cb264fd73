import { insertId } from '../clients/mixpanel/insert-id.js';
import type { MixpanelIntent } from '../clients/mixpanel/intents.js';
import { keepWholeItems } from '../fields.js';
import type { TicketChange, TicketEventKind } from './ticket-change.js';

// Mixpanel list properties: fewer than 255 elements (reference/import-events) and at most 8 KB
// (data-structure/property-reference/data-type): the first tags that fit in less, then the marker.
const MAX_LIST_ITEMS = 254;
const MAX_LIST_BYTES = 8000;
const listItemBytes = (item: string): number => Buffer.byteLength(JSON.stringify(item));

const EVENT_NAMES: Record<TicketEventKind, string> = {
  created: 'Support Ticket Created',
  updated: 'Support Ticket Updated',
  solved: 'Support Ticket Solved',
};

/**
 * The timeline events of a ticket change. `$insert_id` comes from the ticket's natural key, so
 * webhook retries, duplicates and backfills of the same change all collapse into one event: a
 * ticket is created once; it is solved or updated once per (status, priority, updated_at).
 */
export function ticketEvents(change: TicketChange, distinctId: string, caseId: string): MixpanelIntent[] {
  return change.events.map((kind) => {
    const key =
      kind === 'created'
        ? insertId('zendesk', change.ticketId, kind)
        : insertId('zendesk', change.ticketId, kind, change.status, change.priority, change.updatedAt);
    return {
      type: 'mixpanel.event',
      event: {
        event: EVENT_NAMES[kind],
        properties: {
          time: Date.parse(kind === 'created' ? change.createdAt : change.updatedAt),
          distinct_id: distinctId,
          $insert_id: key,
          source: 'zendesk',
          ticket_id: change.ticketId,
          subject: change.subject,
          status: change.status,
          priority: change.priority,
          type: change.type,
          channel: change.channel,
          // Tags are how support marks a ticket's product area: kept as a list property.
          tags: keepWholeItems(change.tags, MAX_LIST_BYTES, {
            separator: ',',
            maxItems: MAX_LIST_ITEMS,
            measure: listItemBytes,
          }),
          zendesk_ticket_url: change.url,
          salesforce_case_id: caseId,
        },
      },
    };
  });
}

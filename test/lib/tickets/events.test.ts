import { TRUNCATION_MARKER } from '../../../lib/fields.js';
import { ticketEvents } from '../../../lib/tickets/events.js';
import type { TicketChange } from '../../../lib/tickets/ticket-change.js';

function change(tags: string[]): TicketChange {
  return {
    ticketId: '710061',
    subject: 'Export to CSV fails',
    status: 'new',
    priority: 'high',
    type: null,
    channel: 'email',
    tags,
    createdAt: '2026-11-20T09:30:00.000Z',
    updatedAt: '2026-11-20T09:30:00.000Z',
    url: null,
    requester: { zendeskId: '9001', email: null, externalId: 'u_1' },
    accountExternalId: null,
    events: ['created'],
    source: 'trigger',
  };
}

const tagsOf = (tags: string[]): unknown => {
  const [intent] = ticketEvents(change(tags), 'u_1', '500000000000001');
  return intent?.type === 'mixpanel.event' ? intent.event.properties.tags : undefined;
};

describe('ticketEvents', () => {
  it('sends the tags as a list property', () => {
    expect(tagsOf(['billing', 'export'])).toEqual(['billing', 'export']);
  });

  it("keeps the tags list within Mixpanel's list limits: fewer than 255 items, under 8 KB", () => {
    const many = Array.from({ length: 2_000 }, (_, i) => `tag_${i}`);

    const sent = tagsOf(many) as string[];

    expect(sent.length).toBeLessThan(255);
    expect(Buffer.byteLength(JSON.stringify(sent))).toBeLessThanOrEqual(8 * 1024);
    expect(sent.at(-1)).toBe(TRUNCATION_MARKER);
    expect(sent.slice(0, 2)).toEqual(['tag_0', 'tag_1']);
  });
});

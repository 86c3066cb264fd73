import { $ZodError } from 'zod/v4/core';
import { HttpError } from '../../../lib/errors.js';
import { parseZendeskWebhook } from '../../../lib/tickets/ingress.js';
import type { TicketChange } from '../../../lib/tickets/ticket-change.js';
import { ZendeskBodies } from '../../support/zendesk-bodies.js';

const API = 'https://acme.zendesk.com/api/v2';
let bodies: ZendeskBodies;
beforeAll(async () => (bodies = await ZendeskBodies.start()));
afterAll(async () => bodies.stop());

function change(body: string): TicketChange {
  const parsed = parseZendeskWebhook(JSON.parse(body), API);
  if ('ignored' in parsed) throw new Error(`ignored: ${parsed.ignored}`);
  return parsed.change;
}

describe('parseZendeskWebhook: event-subscribed ticket events', () => {
  it('reads ticket.created with the requester known only by Zendesk id', () => {
    const requester = bodies.requester();
    const ticket = bodies.ticket(requester, { priority: 'high', tags: ['billing', 'export'] });

    const result = change(bodies.event(ticket));

    expect(result).toMatchObject({
      ticketId: String(ticket.id),
      subject: 'Export to CSV fails',
      status: 'new',
      priority: 'high',
      channel: 'web',
      tags: ['billing', 'export'],
      url: `https://acme.zendesk.com/agent/tickets/${ticket.id}`,
      requester: { zendeskId: String(requester.id), email: null, externalId: null },
      events: ['created'],
    });
    expect(result.source).toMatch(/^event:/);
  });

  it('turns a status change to solved into a Solved event and other changes into Updated', () => {
    const requester = bodies.requester();
    const ticket = bodies.ticket(requester);
    const solved = bodies.emulator.updateTicket(ticket.id, { status: 'solved' });
    const pending = bodies.emulator.updateTicket(bodies.ticket(requester).id, { status: 'open' });

    expect(change(bodies.event(solved, { type: 'ticket.status_changed', previous: 'new' })).events).toEqual(['solved']);
    expect(change(bodies.event(pending, { type: 'ticket.status_changed', previous: 'new' })).events).toEqual([
      'updated',
    ]);
    expect(change(bodies.event(pending, { type: 'ticket.priority_changed', previous: 'low' })).events).toEqual([
      'updated',
    ]);
  });

  it('keeps a comment as a Case refresh without a timeline event', () => {
    const requester = bodies.requester();
    const ticket = bodies.ticket(requester);
    const event = bodies.event(ticket, {
      type: 'ticket.comment_added',
      comment: {
        id: 1,
        body: 'hi',
        isPublic: true,
        author: { id: requester.id, name: requester.name, isStaff: false },
      },
    });

    expect(change(event).events).toEqual([]);
  });

  it('acknowledges and ignores events that are not about tickets', () => {
    expect(parseZendeskWebhook({ type: 'zen:event-type:user.created', detail: {} }, API)).toEqual({
      ignored: 'zen:event-type:user.created is not a ticket event',
    });
  });

  it('names the field at fault in a malformed event', () => {
    const body = JSON.parse(bodies.event(bodies.ticket(bodies.requester())));
    body.detail.status = 'EXPLODED';

    expect(() => parseZendeskWebhook(body, API)).toThrow($ZodError);
    try {
      parseZendeskWebhook(body, API);
    } catch (error) {
      expect((error as $ZodError).issues[0]?.path).toEqual(['detail', 'status']);
    }
  });
});

describe('parseZendeskWebhook: the recommended trigger body', () => {
  it('reads labels and placeholders back into API values', () => {
    const requester = bodies.requester({ external_id: 'app-user-42' });
    const ticket = bodies.emulator.updateTicket(bodies.ticket(requester, { channel: 'email' }).id, { status: 'open' });

    const result = change(bodies.trigger(ticket, requester));

    expect(result).toMatchObject({
      ticketId: String(ticket.id),
      status: 'open',
      priority: 'normal',
      channel: 'email',
      tags: ['billing', 'export'],
      requester: { zendeskId: String(requester.id), email: requester.email, externalId: 'app-user-42' },
      source: 'trigger',
    });
  });

  it('treats empty placeholders as unknown', () => {
    const requester = bodies.requester({ external_id: null });
    const ticket = bodies.ticket(requester);

    const result = change(bodies.trigger(ticket, requester));

    expect(result.requester.externalId).toBeNull();
    expect(result.accountExternalId).toBeNull();
    expect(result.events).toEqual(['created']);
  });
});

describe('parseZendeskWebhook: anything else', () => {
  it('refuses a body of neither kind with a 400 that says what is expected', () => {
    expect(() => parseZendeskWebhook({ hello: 'world' }, API)).toThrow(HttpError);
    expect(() => parseZendeskWebhook([], API)).toThrow('Body must be a JSON object');
  });
});

import { TicketSyncIntent } from '../../../lib/tickets/intents.js';
import type { ZendeskGateway, ZendeskUserSummary } from '../../../lib/clients/zendesk/gateway.js';
import { resolveRequesters } from '../../../lib/tickets/resolve.js';
import type { TicketChange } from '../../../lib/tickets/ticket-change.js';
import { FakeQueueGateway } from '../../support/fake-queue-gateway.js';

function change(ticketId: string, zendeskId: string): TicketChange {
  return {
    ticketId,
    subject: 'Export fails',
    status: 'open',
    priority: null,
    type: null,
    channel: 'web',
    tags: [],
    createdAt: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-20T09:00:00.000Z',
    url: null,
    requester: { zendeskId, email: null, externalId: null },
    accountExternalId: null,
    events: ['created'],
    source: 'event:1',
  };
}

function zendeskWith(users: ZendeskUserSummary[]): ZendeskGateway {
  return {
    usersByIds: (ids) => Promise.resolve(new Map(users.filter((u) => ids.includes(u.id)).map((u) => [u.id, u]))),
    exportTickets: () => Promise.reject(new Error('not used')),
  };
}

const user = (id: number, email: string | null, externalId: string | null): ZendeskUserSummary => ({
  id,
  email,
  externalId,
  name: `User ${id}`,
  organizationId: null,
});

describe('resolveRequesters', () => {
  it("fills in each requester's email and external id from one look-up", async () => {
    const queue = new FakeQueueGateway();
    await resolveRequesters([change('1', '11'), change('2', '12')], {
      zendesk: zendeskWith([user(11, 'a@example.com', 'u_1'), user(12, 'b@example.com', null)]),
      queue,
      salesforceQueueUrl: 'sf',
    });

    const sent = queue.sent[0]?.messages.map((m) => TicketSyncIntent.parse(JSON.parse(m.body)).change.requester);
    expect(sent).toEqual([
      { zendeskId: '11', email: 'a@example.com', externalId: 'u_1' },
      { zendeskId: '12', email: 'b@example.com', externalId: null },
    ]);
  });

  it('treats Mixpanel placeholder ids and blanks on the Zendesk user as absent, as ingress does', async () => {
    const queue = new FakeQueueGateway();
    await resolveRequesters([change('1', '11'), change('2', '12'), change('3', '13')], {
      zendesk: zendeskWith([user(11, 'a@example.com', 'null'), user(12, 'b@example.com', ' '), user(13, 'none', '0')]),
      queue,
      salesforceQueueUrl: 'sf',
    });

    const sent = queue.sent[0]?.messages.map((m) => TicketSyncIntent.parse(JSON.parse(m.body)).change.requester);
    expect(sent?.map((r) => r.externalId)).toEqual([null, null, null]);
    expect(sent?.map((r) => r.email)).toEqual(['a@example.com', 'b@example.com', null]);
  });
});

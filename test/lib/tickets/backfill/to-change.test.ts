import { changeFromExport } from '../../../../lib/tickets/backfill/to-change.js';
import type { ZendeskTicketRecord } from '../../../../lib/clients/zendesk/gateway.js';

const exported = (overrides: Partial<ZendeskTicketRecord> = {}): ZendeskTicketRecord => ({
  id: 42,
  subject: 'Invoice wrong',
  status: 'open',
  priority: null,
  type: 'question',
  tags: ['billing'],
  requesterId: 9001,
  organizationId: null,
  channel: 'email',
  createdAt: '2024-03-01T10:00:00Z',
  updatedAt: '2024-03-02T10:00:00Z',
  url: 'https://acme.zendesk.com/api/v2/tickets/42.json',
  ...overrides,
});

describe('changeFromExport', () => {
  it('turns an exported ticket into a creation to relay, with the requester to look up', () => {
    const change = changeFromExport(exported(), 'https://acme.zendesk.com/api/v2');

    expect(change).toMatchObject({
      ticketId: '42',
      status: 'open',
      tags: ['billing'],
      createdAt: '2024-03-01T10:00:00.000Z',
      url: 'https://acme.zendesk.com/agent/tickets/42',
      requester: { zendeskId: '9001', email: null, externalId: null },
      events: ['created'],
      source: 'backfill',
    });
  });

  it('adds the solving for a solved or closed ticket', () => {
    expect(changeFromExport(exported({ status: 'solved' }), 'https://x/api/v2').events).toEqual(['created', 'solved']);
    expect(changeFromExport(exported({ status: 'closed' }), 'https://x/api/v2').events).toEqual(['created', 'solved']);
  });
});

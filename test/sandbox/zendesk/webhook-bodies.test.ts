import {
  TRIGGER_BODY_TEMPLATE,
  buildTicketEvent,
  placeholderValues,
  renderTriggerBody,
  type ZendeskEmulator,
  type ZendeskTicket,
  type ZendeskUser,
} from '../../../sandbox/zendesk/index.js';
import { addRequester, startTestEmulator } from './factories.js';

describe('webhook bodies', () => {
  let emulator: ZendeskEmulator;
  let requester: ZendeskUser;
  let ticket: ZendeskTicket;
  const at = new Date('2025-01-08T10:12:07.672Z');
  beforeAll(async () => {
    emulator = await startTestEmulator();
    requester = addRequester(emulator, { organization_id: 360_000_000_009 });
    ticket = emulator.addTicket({
      subject: 'Printer on fire',
      description: 'Smoke "everywhere"',
      status: 'open',
      priority: 'low',
      type: 'task',
      requester_id: requester.id,
      tags: ['hardware', 'urgent_customer'],
      created_at: '2025-01-08T10:12:07Z',
    });
  });
  afterAll(async () => emulator.stop());

  describe('buildTicketEvent', () => {
    it('builds ticket.created with string ids, upper-case enums and an empty event', () => {
      const event = buildTicketEvent(ticket, { type: 'ticket.created' }, { accountId: 22129848, at });

      expect(event).toEqual({
        type: 'zen:event-type:ticket.created',
        account_id: 22129848,
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/),
        time: '2025-01-08T10:12:07.672000000Z',
        zendesk_event_version: '2022-11-06',
        subject: `zen:ticket:${ticket.id}`,
        detail: {
          actor_id: String(requester.id),
          assignee_id: null,
          brand_id: null,
          created_at: '2025-01-08T10:12:07Z',
          custom_status: null,
          description: 'Smoke "everywhere"',
          external_id: null,
          form_id: null,
          group_id: null,
          id: String(ticket.id),
          is_public: true,
          organization_id: '360000000009',
          priority: 'LOW',
          requester_id: String(requester.id),
          status: 'OPEN',
          subject: 'Printer on fire',
          submitter_id: String(requester.id),
          tags: ['hardware', 'urgent_customer'],
          type: 'TASK',
          updated_at: '2025-01-08T10:12:07Z',
          via: { channel: 'web' },
        },
        event: {},
      });
    });

    it('builds status and priority changes with current, previous and the action sequence', () => {
      const sequence = { id: 'CE4A698AF24F35B3', position: 2 };

      const status = buildTicketEvent(
        ticket,
        { type: 'ticket.status_changed', previous: 'new' },
        { accountId: 1, at, sequence },
      );
      const priority = buildTicketEvent(
        ticket,
        { type: 'ticket.priority_changed', previous: null },
        { accountId: 1, at },
      );

      expect(status.event).toEqual({ current: 'OPEN', previous: 'NEW', meta: { sequence } });
      expect(priority.event).toMatchObject({ current: 'LOW', previous: null, meta: { sequence: { position: 1 } } });
      expect(status.id).not.toBe(priority.id);
    });

    it('builds comment_added with the comment and its author', () => {
      const comment = {
        id: 58789194475545,
        body: 'Any news?',
        isPublic: true,
        author: { id: requester.id, name: requester.name, isStaff: false },
      };

      const event = buildTicketEvent(
        ticket,
        { type: 'ticket.comment_added', comment },
        { accountId: 1, at, actorId: requester.id },
      );

      expect(event.event).toMatchObject({
        comment: {
          author: { id: String(requester.id), is_staff: false, name: 'Ada Okafor' },
          body: 'Any news?',
          id: '58789194475545',
          is_public: true,
        },
      });
    });

    it('gives the same event the same id, so a receiver can dedupe a redelivery', () => {
      const first = buildTicketEvent(ticket, { type: 'ticket.created' }, { accountId: 1, at });
      const again = buildTicketEvent(ticket, { type: 'ticket.created' }, { accountId: 1, at });

      expect(again.id).toBe(first.id);
    });
  });

  describe('renderTriggerBody', () => {
    it('renders the recommended template into valid JSON with display values', () => {
      const body = JSON.parse(renderTriggerBody(ticket, requester));

      expect(body).toEqual({
        ticket: {
          id: String(ticket.id),
          external_id: '',
          subject: 'Printer on fire',
          status: 'Open',
          priority: 'Low',
          type: 'Task',
          via: 'Web Form',
          tags: 'hardware urgent_customer',
          created_at: '2025-01-08T10:12Z',
          updated_at: '2025-01-08T10:12Z',
        },
        requester: {
          id: String(requester.id),
          name: 'Ada Okafor',
          email: 'ada@customer.example.com',
          external_id: 'u_1',
        },
        organization: { external_id: '' },
      });
    });

    it('escapes values so quotes in a subject keep the JSON valid, and empties unknown placeholders', () => {
      const quoted = { ...ticket, subject: 'Say "hi"\\now' };

      const body = JSON.parse(renderTriggerBody(quoted, requester, '{"s":"{{ticket.title}}","x":"{{ticket.nope}}"}'));

      expect(body).toEqual({ s: 'Say "hi"\\now', x: '' });
    });

    it('uses only placeholders the renderer knows', () => {
      const known = Object.keys(placeholderValues(ticket, requester));

      const names = [...TRIGGER_BODY_TEMPLATE.matchAll(/\{\{([\w.]+)\}\}/g)].map((m) => m[1]);

      expect(names.filter((name) => !known.includes(name ?? ''))).toEqual([]);
    });
  });
});

import {
  buildTicketEvent,
  renderTriggerBody,
  startZendeskEmulator,
  type TicketEventChange,
  type ZendeskEmulator,
  type ZendeskTicket,
  type ZendeskUser,
} from '../../sandbox/zendesk/index.js';

/** Realistic Zendesk tickets and webhook bodies, made by the Zendesk sandbox itself. */
export class ZendeskBodies {
  private constructor(readonly emulator: ZendeskEmulator) {}

  static async start(): Promise<ZendeskBodies> {
    return new ZendeskBodies(await startZendeskEmulator({ exportLagSeconds: 0 }));
  }

  stop(): Promise<void> {
    return this.emulator.stop();
  }

  requester(overrides: { email?: string | null; external_id?: string | null } = {}): ZendeskUser {
    const n = this.emulator.listUsers().length + 1;
    return this.emulator.addUser({
      name: `Customer ${n}`,
      email: `customer${n}@example.com`,
      external_id: `u_${n}`,
      ...overrides,
    });
  }

  ticket(
    requester: ZendeskUser,
    overrides: Partial<{
      status: 'new' | 'open' | 'solved';
      priority: 'low' | 'normal' | 'high' | 'urgent';
      tags: string[];
      channel: string;
    }> = {},
  ): ZendeskTicket {
    return this.emulator.addTicket({
      subject: 'Export to CSV fails',
      requester_id: requester.id,
      priority: 'normal',
      tags: ['billing', 'export'],
      ...overrides,
    });
  }

  event(ticket: ZendeskTicket, change: TicketEventChange = { type: 'ticket.created' }): string {
    return JSON.stringify(
      buildTicketEvent(ticket, change, { accountId: this.emulator.config.accountId, at: new Date(ticket.updated_at) }),
    );
  }

  trigger(ticket: ZendeskTicket, requester: ZendeskUser): string {
    return renderTriggerBody(ticket, requester);
  }
}

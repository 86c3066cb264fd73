import type { ZendeskEmulator } from '../../../sandbox/zendesk/index.js';
import { addRequester, fakeClock, startTestEmulator } from './factories.js';
import { startReceiver } from './receiver.js';

const SECRET = 'webhook-signing-secret';

describe('Zendesk emulator webhooks on seeded changes', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let emulator: ZendeskEmulator;
  const clock = fakeClock('2025-01-08T10:12:07Z');
  const start = async (kind: 'event' | 'trigger'): Promise<ZendeskEmulator> => {
    emulator = await startTestEmulator({
      now: clock.now,
      accountId: 4242,
      webhook: { url: receiver.url, secret: SECRET, kind },
    });
    return emulator;
  };
  beforeEach(async () => {
    receiver = await startReceiver(SECRET);
  });
  afterEach(async () => {
    await emulator.stop();
    await receiver.stop();
  });

  it('sends a signed ticket.created event when a ticket is added with notify', async () => {
    await start('event');
    const requester = addRequester(emulator);

    const ticket = emulator.addTicket({ subject: 'Cannot log in', requester_id: requester.id }, { notify: true });
    const [delivery] = await emulator.flushWebhooks();

    expect(delivery).toMatchObject({
      eventType: 'zen:event-type:ticket.created',
      ticketId: ticket.id,
      status: 202,
      error: null,
    });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({
      verified: true,
      headers: { 'x-zendesk-account-id': '4242', 'x-zendesk-webhook-signature-timestamp': '2025-01-08T10:12:07Z' },
    });
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      account_id: 4242,
      subject: `zen:ticket:${ticket.id}`,
      detail: { id: String(ticket.id), status: 'NEW' },
    });
  });

  it('sends one event per change of an update, in order, sharing one sequence', async () => {
    await start('event');
    const requester = addRequester(emulator);
    const ticket = emulator.addTicket({ subject: 'Slow', requester_id: requester.id, priority: 'normal' });

    emulator.updateTicket(
      ticket.id,
      { status: 'open', priority: 'high', comment: { body: 'Still slow' } },
      { notify: true },
    );
    await emulator.flushWebhooks();

    const bodies = receiver.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.type)).toEqual([
      'zen:event-type:ticket.status_changed',
      'zen:event-type:ticket.priority_changed',
      'zen:event-type:ticket.comment_added',
    ]);
    expect(bodies.map((b) => b.event.meta.sequence.position)).toEqual([1, 2, 3]);
    expect(new Set(bodies.map((b) => b.event.meta.sequence.id)).size).toBe(1);
    expect(bodies[0].event).toMatchObject({ current: 'OPEN', previous: 'NEW' });
    expect(bodies[2].event.comment).toMatchObject({
      body: 'Still slow',
      is_public: true,
      author: { id: String(requester.id), is_staff: false },
    });
    expect(receiver.received.every((r) => r.verified)).toBe(true);
  });

  it('sends the rendered trigger body for a trigger webhook', async () => {
    await start('trigger');
    const requester = addRequester(emulator);

    const ticket = emulator.addTicket({ subject: 'Invoice', requester_id: requester.id }, { notify: true });
    await emulator.flushWebhooks();

    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      ticket: { id: String(ticket.id), status: 'New' },
      requester: { external_id: 'u_1' },
    });
  });

  it('sends nothing without notify, and records a failed delivery instead of throwing', async () => {
    await start('event');
    const requester = addRequester(emulator);
    emulator.addTicket({ subject: 'Quiet', requester_id: requester.id });
    await receiver.stop();

    emulator.addTicket({ subject: 'Loud', requester_id: requester.id }, { notify: true });
    const deliveries = await emulator.flushWebhooks();
    receiver = await startReceiver(SECRET);

    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: null, error: expect.any(String) });
  });

  it('refuses notify when no webhook target is configured', async () => {
    emulator = await startTestEmulator();
    const requester = addRequester(emulator);

    expect(() => emulator.addTicket({ subject: 'Nowhere', requester_id: requester.id }, { notify: true })).toThrow(
      'needs a `webhook` target',
    );
  });
});

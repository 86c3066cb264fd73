import { jest } from '@jest/globals';
import { SANDBOX_ZENDESK_WEBHOOK_SECRET } from '../../sandbox/launch.js';
import {
  buildTicketEvent,
  renderTriggerBody,
  sendWebhook,
  type ZendeskTicket,
  type ZendeskUser,
} from '../../sandbox/zendesk/index.js';
import { eventually, queueDepth, startHubWithSandbox } from '../support/hub-harness.js';

// Each relay crosses two batching windows (salesforce, then mixpanel queue), as in Lambda; capped at 1 s here.
jest.setTimeout(60_000);

let harness: Awaited<ReturnType<typeof startHubWithSandbox>>;
let contacts: Array<{ id: string; appUserId: string; email: string; accountId: string }>;

beforeAll(async () => {
  harness = await startHubWithSandbox();
  contacts = harness.sandbox.salesforce!.seedAccountsWithContacts({ accounts: 3, contactsPerAccount: 4 }).contacts;
}, 30_000);
afterAll(async () => harness.stop());

const webhookUrl = () => `${harness.hub.url}/webhooks/zendesk`;
const zendesk = () => harness.sandbox.zendesk!;
const salesforce = () => harness.sandbox.salesforce!;
const mixpanel = () => harness.sandbox.mixpanel!;
const send = (body: string, options: { secret?: string; timestamp?: Date } = {}) =>
  sendWebhook(webhookUrl(), body, {
    secret: options.secret ?? SANDBOX_ZENDESK_WEBHOOK_SECRET,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });

function requester(
  contact: { appUserId: string; email: string } | undefined,
  overrides: { external_id?: string | null; email?: string } = {},
): ZendeskUser {
  return zendesk().addUser({
    name: 'Ann Customer',
    email: contact?.email ?? `nobody${Date.now()}@example.com`,
    external_id: contact?.appUserId ?? null,
    ...overrides,
  });
}
function ticket(user: ZendeskUser): ZendeskTicket {
  return zendesk().addTicket({
    subject: 'Export to CSV fails',
    requester_id: user.id,
    priority: 'high',
    tags: ['exports', 'billing'],
    channel: 'email',
  });
}
const caseOf = (ticketId: number) => salesforce().findByExternalId('Case', 'Zendesk_Ticket_Id__c', String(ticketId));

describe('Zendesk ticket → Salesforce Case → Mixpanel timeline', () => {
  it('relays a signed trigger webhook to a Case of the right Contact and an event on the right user', async () => {
    const contact = contacts[0]!;
    const user = requester(contact);
    const created = ticket(user);

    const answer = await send(renderTriggerBody(created, user));

    expect(answer.status).toBe(202);
    const event = await eventually(() =>
      mixpanel()
        .events(contact.appUserId)
        .find((e) => e.properties.ticket_id === String(created.id)),
    );
    const kase = caseOf(created.id);
    expect(kase).toMatchObject({
      Subject: 'Export to CSV fails',
      Priority: 'High',
      Origin: 'Email',
      ContactId: contact.id,
    });
    expect(event).toMatchObject({
      event: 'Support Ticket Created',
      properties: {
        distinct_id: contact.appUserId,
        status: 'new',
        priority: 'high',
        tags: ['exports', 'billing'],
        salesforce_case_id: kase?.Id,
        source: 'zendesk',
      },
    });
  });

  it('keeps one Case and one event when the same webhook arrives three times', async () => {
    const contact = contacts[1]!;
    const user = requester(contact);
    const created = ticket(user);
    const body = renderTriggerBody(created, user);

    const answers = await Promise.all([send(body), send(body), send(body)]);

    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    await eventually(async () =>
      (await queueDepth(harness.hub, 'SalesforceQueue')) === 0 && (await queueDepth(harness.hub, 'MixpanelQueue')) === 0
        ? true
        : undefined,
    );
    await eventually(() => (mixpanel().events(contact.appUserId).length > 0 ? true : undefined));
    expect(
      salesforce()
        .records('Case')
        .filter((record) => record.Zendesk_Ticket_Id__c === String(created.id)),
    ).toHaveLength(1);
    expect(
      mixpanel()
        .events(contact.appUserId)
        .filter((e) => e.properties.ticket_id === String(created.id)),
    ).toHaveLength(1);
  });

  it('resolves an event-subscribed webhook requester via Zendesk; a solved status becomes a Solved event', async () => {
    const contact = contacts[2]!;
    const user = requester(contact);
    const created = ticket(user);
    const solved = zendesk().updateTicket(created.id, { status: 'solved' });
    const at = (t: ZendeskTicket) => ({ accountId: zendesk().config.accountId, at: new Date(t.updated_at) });

    await send(JSON.stringify(buildTicketEvent(created, { type: 'ticket.created' }, at(created))));
    await send(
      JSON.stringify(buildTicketEvent(solved, { type: 'ticket.status_changed', previous: 'new' }, at(solved))),
    );

    const names = await eventually(() => {
      const events = mixpanel()
        .events(contact.appUserId)
        .filter((e) => e.properties.ticket_id === String(created.id));
      return events.length === 2 ? events.map((e) => e.event).sort() : undefined;
    });
    expect(names).toEqual(['Support Ticket Created', 'Support Ticket Solved']);
    expect(caseOf(created.id)).toMatchObject({ Status: 'Closed', ContactId: contact.id });
  });

  it('matches a requester known only by email to its Contact and Account', async () => {
    const contact = contacts[3]!;
    const user = requester(contact, { external_id: null });
    const created = ticket(user);

    await send(renderTriggerBody(created, user));

    await eventually(() =>
      mixpanel()
        .events(contact.appUserId)
        .find((e) => e.properties.ticket_id === String(created.id)),
    );
    expect(caseOf(created.id)).toMatchObject({ ContactId: contact.id, AccountId: contact.accountId });
  });

  it('relays a subject with emoji and characters SQS refuses raw, intact to the Case and the event', async () => {
    const contact = contacts[9]!;
    const user = requester(contact);
    const subject = 'Export 😀 fails on 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 names \uFFFF';
    const created = zendesk().addTicket({ subject, requester_id: user.id, priority: 'high', channel: 'email' });

    const answer = await send(renderTriggerBody(created, user));

    expect(answer.status).toBe(202);
    const event = await eventually(() =>
      mixpanel()
        .events(contact.appUserId)
        .find((e) => e.properties.ticket_id === String(created.id)),
    );
    expect(caseOf(created.id)?.Subject).toBe(subject);
    expect(event.properties.subject).toBe(subject);
  });

  it('keeps a Case at its newest state when an older ticket state arrives after a newer one', async () => {
    const contact = contacts[4]!;
    const user = requester(contact);
    const created = ticket(user);
    const state = (status: string, updatedAt: string) => {
      const body = JSON.parse(renderTriggerBody(created, user)) as { ticket: Record<string, string> };
      Object.assign(body.ticket, { status, created_at: '2026-01-01T09:00Z', updated_at: updatedAt });
      return JSON.stringify(body);
    };
    const drained = () =>
      eventually(async () => ((await queueDepth(harness.hub, 'SalesforceQueue')) === 0 ? true : undefined));

    await send(state('Open', '2026-01-01T10:00Z'));
    await eventually(() => (caseOf(created.id)?.Status === 'Working' ? true : undefined));
    await send(state('Solved', '2026-01-01T11:00Z'));
    await eventually(() => (caseOf(created.id)?.Status === 'Closed' ? true : undefined));
    const upserts = salesforce().calls().byEndpoint['collections.upsert'] ?? 0;
    const replay = await send(state('Open', '2026-01-01T10:00Z'));
    await eventually(() => ((salesforce().calls().byEndpoint['collections.upsert'] ?? 0) > upserts ? true : undefined));
    await drained();

    expect(replay.status).toBe(202);
    expect(caseOf(created.id)).toMatchObject({
      Status: 'Closed',
      Zendesk_Updated_At__c: '2026-01-01T11:00:00.000+0000',
    });
    expect(await queueDepth(harness.hub, 'SalesforceDeadLetterQueue')).toBe(0);
    const timeline = await eventually(() => {
      const events = mixpanel()
        .events(contact.appUserId)
        .filter((e) => e.properties.ticket_id === String(created.id));
      return events.length === 2 ? events : undefined;
    });
    expect(timeline.map((e) => [e.event, e.properties.status, e.properties.salesforce_case_id])).toEqual([
      ['Support Ticket Updated', 'open', caseOf(created.id)?.Id],
      ['Support Ticket Solved', 'solved', caseOf(created.id)?.Id],
    ]);
  });

  it('writes every Case of a batch on the first delivery when one requester email cannot be looked up', async () => {
    const valid = contacts.slice(6, 9).map((contact) => {
      const user = requester(contact, { external_id: null });
      return { contact, created: ticket(user), user };
    });
    const odd = requester(undefined);
    const oddTicket = ticket(odd);
    const oddBody = JSON.parse(renderTriggerBody(oddTicket, odd)) as { requester: Record<string, string> };
    // Accepted at ingress (≤ 254), but longer than any Contact email (80): never looked up.
    oddBody.requester.email = `${'x'.repeat(240)}@example.com`;
    const callsBefore = salesforce().callLog().length;

    const answers = await Promise.all([
      ...valid.map(({ created, user }) => send(renderTriggerBody(created, user))),
      send(JSON.stringify(oddBody)),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
    await eventually(() => ([...valid.map((v) => v.created), oddTicket].every((t) => caseOf(t.id)) ? true : undefined));
    await eventually(async () => ((await queueDepth(harness.hub, 'SalesforceQueue')) === 0 ? true : undefined));
    expect(valid.map(({ created }) => caseOf(created.id)?.ContactId)).toEqual(valid.map(({ contact }) => contact.id));
    expect(caseOf(oddTicket.id)?.ContactId).toBeNull();
    expect(await queueDepth(harness.hub, 'SalesforceDeadLetterQueue')).toBe(0);
    expect(
      salesforce()
        .callLog()
        .slice(callsBefore)
        .filter((call) => call.status !== 200),
    ).toEqual([]);
  });

  it('refuses a bad signature, a stale timestamp and a malformed body, and enqueues nothing', async () => {
    const user = requester(contacts[5]);
    const body = renderTriggerBody(ticket(user), user);
    const callsBefore = salesforce().calls().total;

    const wrongSecret = await send(body, { secret: 'not-the-secret' });
    const stale = await send(body, { timestamp: new Date(Date.now() - 6 * 60_000) });
    const malformed = await send(JSON.stringify({ ticket: { id: 'abc' } }));
    const notJson = await send('{nope');

    expect(wrongSecret.status).toBe(401);
    expect(stale.status).toBe(401);
    expect(JSON.parse(stale.body).error).toMatch(/replay/);
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error).toMatch(/ticket\.id/);
    expect(notJson.status).toBe(400);
    expect(await queueDepth(harness.hub, 'SalesforceQueue')).toBe(0);
    expect(await queueDepth(harness.hub, 'ZendeskQueue')).toBe(0);
    expect(salesforce().calls().total).toBe(callsBefore);
  });
});

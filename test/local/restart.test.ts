import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/launch.js';
import { renderTriggerBody, sendWebhook } from '../../sandbox/zendesk/index.js';
import { eventually } from '../support/hub-harness.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';

// Each scenario starts the hub twice and waits out two 10 s batching windows; they run side by side.
jest.setTimeout(90_000);

interface Ticket {
  ticketId: string;
  appUserId: string;
  body: string;
}

/**
 * Emulators of its own for one scenario, running here, outside the hub, so that they outlive its
 * restarts (to the hub they are real APIs), and a queue folder of its own.
 */
async function scenario(count: number) {
  const sandbox: Sandbox = await startSandbox();
  const folder = mkdtempSync(join(tmpdir(), 'hub-restart-'));
  const { contacts } = sandbox.salesforce!.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: count });
  const tickets: Ticket[] = contacts.map((contact) => {
    const user = sandbox.zendesk!.addUser({ name: 'Customer', email: contact.email, external_id: contact.appUserId });
    const ticket = sandbox.zendesk!.addTicket({ subject: 'Export fails', requester_id: user.id, priority: 'high' });
    return { ticketId: String(ticket.id), appUserId: contact.appUserId, body: renderTriggerBody(ticket, user) };
  });
  const hubs: HubProcess[] = [];
  const cases = (ticket: Ticket) =>
    sandbox.salesforce!.records('Case').filter((record) => record.Zendesk_Ticket_Id__c === ticket.ticketId);
  const events = (ticket: Ticket) =>
    sandbox.mixpanel!.events(ticket.appUserId).filter((event) => event.properties.ticket_id === ticket.ticketId);
  return {
    sandbox,
    tickets,
    cases,
    events,
    startHub: async () => {
      const hub = await startHubProcess({ ...sandbox.env, SWITCHBOARD_DATA_DIR: folder });
      hubs.push(hub);
      return hub;
    },
    /** Signed Zendesk webhooks, one per ticket; the HTTP statuses. */
    post: async (hub: HubProcess) => {
      const secret = sandbox.env.ZENDESK_WEBHOOK_SECRET ?? '';
      const answers = await Promise.all(
        tickets.map((ticket) => sendWebhook(`${hub.url}/webhooks/zendesk`, ticket.body, { secret })),
      );
      return answers.map((answer) => answer.status);
    },
    allRelayed: () =>
      eventually(() => (tickets.every((ticket) => events(ticket).length > 0) ? true : undefined), 60_000),
    end: async () => {
      await Promise.all(hubs.map((hub) => hub.stop('SIGKILL')));
      await sandbox.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

describe('the local hub keeps what it accepted across stops', () => {
  it.concurrent('loses no accepted webhook to kill -9: after a restart each is one Case and one event', async () => {
    const run = await scenario(20);
    try {
      const first = await run.startHub();

      const statuses = await run.post(first);
      // Still inside the Salesforce consumer's 10 s batching window: nothing processed yet.
      const casesBeforeKill = run.sandbox.salesforce!.records('Case').length;
      await first.stop('SIGKILL');
      const second = await run.startHub();
      await run.allRelayed();
      await second.stop('SIGINT');

      expect(statuses).toEqual(run.tickets.map(() => 202));
      expect(casesBeforeKill).toBe(0);
      expect(second.output()).toContain('(20 messages from the last run)');
      expect(run.tickets.map((ticket) => [run.cases(ticket).length, run.events(ticket).length])).toEqual(
        run.tickets.map(() => [1, 1]),
      );
    } finally {
      await run.end();
    }
  });

  it.concurrent('finishes the Salesforce batches in flight on Ctrl-C and keeps their Mixpanel follow-ups', async () => {
    const run = await scenario(10);
    try {
      const first = await run.startHub();
      // Every Salesforce call takes 2 s: Ctrl-C lands while a batch is writing its Cases.
      run.sandbox.salesforce!.setLatency(2000);

      await run.post(first);
      // The first call of a batch (its OAuth token) has returned; its Case upsert is under way.
      await eventually(() => (run.sandbox.salesforce!.calls().total > 0 ? true : undefined));
      const code = await first.stop('SIGINT');
      run.sandbox.salesforce!.setLatency(undefined);
      const casesAtStop = run.tickets.filter((ticket) => run.cases(ticket).length === 1).length;
      const eventsAtStop = run.tickets.filter((ticket) => run.events(ticket).length > 0).length;
      const second = await run.startHub();
      await run.allRelayed();
      await second.stop('SIGINT');

      expect(code).toBe(0);
      expect(casesAtStop).toBe(10);
      expect(eventsAtStop).toBe(0);
      expect(run.tickets.map((ticket) => run.events(ticket).length)).toEqual(run.tickets.map(() => 1));
    } finally {
      await run.end();
    }
  });
});

import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_SALESFORCE_OUTBOUND_TOKEN, SANDBOX_TERMS_WEBHOOK_SECRET } from '../../sandbox/launch.js';
import type { RunningEmulator } from '../../sandbox/common/emulator.js';
import type { SeededAccounts } from '../../sandbox/salesforce/index.js';
import { buildTicketEvent, sendWebhook } from '../../sandbox/zendesk/index.js';
import { SANDBOX_ZENDESK_WEBHOOK_SECRET } from '../../sandbox/launch.js';
import type { DryRunPlan } from '../../scripts/cli/dry-run/plan.js';
import { runCommand } from '../support/command.js';
import { eventually, queueDepth, startHubWithSandbox } from '../support/hub-harness.js';
import { outboundEnvelope } from '../support/outbound-messages.js';
import { acceptanceBody, termsSignature } from '../support/terms.js';

// Each route's real run crosses two batching windows (salesforce, then mixpanel queue), capped at 1 s here.
jest.setTimeout(180_000);

let harness: Awaited<ReturnType<typeof startHubWithSandbox>>;
let seeded: SeededAccounts;
let cwd: string;

beforeAll(async () => {
  harness = await startHubWithSandbox();
  seeded = harness.sandbox.salesforce!.seedAccountsWithContacts({ accounts: 2, contactsPerAccount: 2 });
  cwd = mkdtempSync(join(tmpdir(), 'dry-run-'));
}, 60_000);
afterAll(async () => {
  await harness.stop();
  rmSync(cwd, { recursive: true, force: true });
});

const salesforce = () => harness.sandbox.salesforce!;
const mixpanel = () => harness.sandbox.mixpanel!;
const zendesk = () => harness.sandbox.zendesk!;
const emulators = (): RunningEmulator[] => [salesforce(), mixpanel(), zendesk()];

/** `switchboard dry-run <file> …` against this hub's emulators, from a folder without `.env`. */
async function dryRun(
  payload: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; output: string }> {
  const file = join(cwd, `payload-${Date.now()}`);
  writeFileSync(file, payload);
  const command = runCommand('scripts/switchboard.ts', ['dry-run', file, ...args], {
    cwd,
    // The hub put its functions' settings in this process's environment; an operator's shell has none.
    unset: Object.keys(process.env).filter((name) =>
      /^(SALESFORCE|ZENDESK|MIXPANEL|TICKET|OUTBOUND|UNMATCHED)_/.test(name),
    ),
    env: {
      SANDBOX_SALESFORCE_PORT: String(salesforce().port),
      SANDBOX_ZENDESK_PORT: String(zendesk().port),
    },
  });
  const code = await command.exited;
  return { code, stdout: command.stdout(), output: command.output() };
}

/** Every call since `resetCalls`: what a dry run may make is reads (and the OAuth token request). */
function writeCalls(): string[] {
  return emulators().flatMap((emulator) =>
    emulator
      .callLog()
      .filter((call) => call.method !== 'GET' && !call.path.endsWith('/oauth2/token'))
      .map((call) => `${emulator.name} ${call.method} ${call.path}`),
  );
}

async function drained(): Promise<void> {
  await eventually(async () =>
    (await queueDepth(harness.hub, 'SalesforceQueue')) === 0 &&
    (await queueDepth(harness.hub, 'ZendeskQueue')) === 0 &&
    (await queueDepth(harness.hub, 'MixpanelQueue')) === 0
      ? true
      : undefined,
  );
}

/** A date-time as Salesforce returns it (`…+0000`) or as sent (`…Z`), in one form. */
const normal = (value: unknown): unknown =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)
    ? new Date(Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))).toISOString()
    : value;

/** The plan's Salesforce writes against the records the real run left, field by field; returns their Ids. */
function expectRecordsAsPlanned(plan: DryRunPlan): string[] {
  return plan.salesforce.map((write) => {
    const stored = salesforce().findByExternalId(write.object, write.externalIdField, write.externalId);
    expect(stored).toBeDefined();
    for (const [field, value] of Object.entries(write.record)) {
      if (value !== null && typeof value === 'object') {
        // A parent by external id: the stored lookup field holds that parent's Id.
        const [parentField, parentKey] = Object.entries(value)[0] as [string, string];
        const parentObject = field.replace(/__r$/, '');
        const lookup = field.endsWith('__r') ? field.replace(/__r$/, '__c') : `${field}Id`;
        const parent = salesforce().findByExternalId(parentObject, parentField, parentKey);
        expect({ field, value: stored?.[lookup] }).toEqual({ field, value: parent?.Id });
      } else expect({ field, value: normal(stored?.[field]) }).toEqual({ field, value: normal(value) });
    }
    return String(stored?.Id);
  });
}

/** The plan's events and profile updates against what Mixpanel holds, processing-time values resolved. */
function expectMixpanelAsPlanned(plan: DryRunPlan, recordIds: string[]): void {
  const resolved = structuredClone(plan.mixpanel);
  for (const { path, value } of plan.processingTime) {
    const [, index, property] = /^mixpanel\.events\[(\d+)\]\.properties\.(\w+)$/.exec(path) ?? [];
    const [, writeIndex] = /^salesforce\[(\d+)\]\.Id$/.exec(value) ?? [];
    resolved.events[Number(index)]!.properties[property!] = recordIds[Number(writeIndex)];
  }
  for (const event of resolved.events) {
    const held = mixpanel()
      .events(event.properties.distinct_id)
      .find((candidate) => candidate.properties.$insert_id === event.properties.$insert_id);
    expect(held).toEqual(event);
  }
  for (const update of resolved.profiles)
    expect(mixpanel().profile(update.distinctId)?.properties).toMatchObject(update.values as Record<string, unknown>);
}

async function planOf(payload: string): Promise<DryRunPlan> {
  await drained();
  emulators().forEach((emulator) => emulator.resetCalls());
  const run = await dryRun(payload, '--json');
  expect({ code: run.code, output: run.code === 0 ? '' : run.output }).toEqual({ code: 0, output: '' });
  expect(writeCalls()).toEqual([]);
  return JSON.parse(run.stdout) as DryRunPlan;
}

describe('switchboard dry-run: what it plans is what the real run writes', () => {
  it('plans a Zendesk ticket event (requester read from Zendesk) as the Case and the event it becomes', async () => {
    const contact = seeded.contacts[0]!;
    const user = zendesk().addUser({ name: 'Ann Customer', email: contact.email, external_id: contact.appUserId });
    const ticket = zendesk().addTicket({
      subject: 'Export to CSV fails',
      requester_id: user.id,
      priority: 'high',
      tags: ['exports', 'billing'],
      channel: 'email',
    });
    const body = JSON.stringify(
      buildTicketEvent(
        ticket,
        { type: 'ticket.created' },
        { accountId: zendesk().config.accountId, at: new Date(ticket.updated_at) },
      ),
    );

    const plan = await planOf(body);
    expect(zendesk().callLog().length).toBeGreaterThan(0);
    const answer = await sendWebhook(`${harness.hub.url}/webhooks/zendesk`, body, {
      secret: SANDBOX_ZENDESK_WEBHOOK_SECRET,
    });
    // Three batching windows: the zendesk queue (requester read), the salesforce queue, the mixpanel queue.
    await eventually(() => (mixpanel().events(contact.appUserId).length > 0 ? true : undefined), 90_000);
    await drained();

    expect({ status: answer.status, route: plan.route }).toEqual({ status: 202, route: 'zendesk' });
    expect(plan.salesforce).toHaveLength(1);
    expect(plan.mixpanel.events.map((event) => event.event)).toEqual(['Support Ticket Created']);
    expect(plan.processingTime).toEqual([
      { path: 'mixpanel.events[0].properties.salesforce_case_id', value: 'salesforce[0].Id' },
    ]);
    expectMixpanelAsPlanned(plan, expectRecordsAsPlanned(plan));
    expect(mixpanel().events(contact.appUserId)).toHaveLength(1);
  });

  it('plans a terms acceptance as its evidence record, its event and its profile update', async () => {
    const body = JSON.stringify(acceptanceBody(2, { ip: '2001:DB8::9' }));

    const plan = await planOf(body);
    const answer = await fetch(`${harness.hub.url}/webhooks/terms`, {
      method: 'POST',
      headers: termsSignature(SANDBOX_TERMS_WEBHOOK_SECRET, body),
      body,
    });
    await eventually(() => mixpanel().profile('u_000002'));
    await drained();

    expect({ status: answer.status, route: plan.route }).toEqual({ status: 202, route: 'terms' });
    expect(plan.mixpanel.events.map((event) => event.event)).toEqual(['Terms Accepted']);
    expect(plan.mixpanel.profiles.map((update) => update.distinctId)).toEqual(['u_000002']);
    expectMixpanelAsPlanned(plan, expectRecordsAsPlanned(plan));
  });

  it('plans an outbound message as the fanned-out events and profile values, and a direct event', async () => {
    const account = seeded.accounts[1]!;
    const users = seeded.contacts.filter((contact) => contact.accountId === account.id).map((c) => c.appUserId);
    const xml = outboundEnvelope([
      {
        id: '04l5g00000Dry01AAA',
        sObjectType: 'Opportunity',
        fields: {
          Id: '0065g00000Dry01AAA',
          AccountId: account.id,
          Amount: '1200.0',
          CloseDate: '2026-03-31',
          Name: 'Renewal',
          StageName: 'Closed Won',
          SystemModstamp: '2026-03-31T14:02:11.000Z',
        },
      },
      {
        id: '04l5g00000Dry02AAA',
        sObjectType: 'Case',
        fields: {
          Id: '5005g00000Dry02AAA',
          CaseNumber: '00001026',
          Subject: 'Refund please',
          Status: 'New',
          Reason: 'Billing',
          Type: 'Refund',
          Contact_App_User_Id__c: users[0]!,
          SystemModstamp: '2026-03-31T15:00:00.000Z',
        },
      },
    ]);

    const plan = await planOf(xml);
    const answer = await fetch(`${harness.hub.url}/webhooks/salesforce/${SANDBOX_SALESFORCE_OUTBOUND_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
    await eventually(() =>
      users.every((user) => mixpanel().profile(user)?.properties.last_deal_won_at) ? true : undefined,
    );
    await drained();

    expect({ status: answer.status, route: plan.route }).toEqual({ status: 200, route: 'outbound' });
    expect(plan.salesforce).toEqual([]);
    expect(plan.mixpanel.events.map((event) => [event.event, event.properties.distinct_id]).sort()).toEqual(
      [...users.map((user) => ['Deal Won', user]), ['Refund Requested', users[0]]].sort(),
    );
    expect(plan.mixpanel.profiles.map((update) => update.distinctId).sort()).toEqual([...users].sort());
    expectMixpanelAsPlanned(plan, []);
  });

  it('refuses a bad payload with the webhook’s own answer, exit 1, and writes nothing', async () => {
    const body = JSON.stringify(acceptanceBody(3, { ip: 'fe80::1%eth0' }));

    emulators().forEach((emulator) => emulator.resetCalls());
    const run = await dryRun(body, '--json');
    const answer = await fetch(`${harness.hub.url}/webhooks/terms`, {
      method: 'POST',
      headers: termsSignature(SANDBOX_TERMS_WEBHOOK_SECRET, body),
      body,
    });
    const webhook = (await answer.json()) as { error: string };

    expect({ code: run.code, output: run.code === 1 ? '' : run.output }).toEqual({ code: 1, output: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({
      route: 'terms',
      refused: { status: answer.status, message: webhook.error },
    });
    expect(webhook.error).toContain('ip: must be an IP address without a zone id');
    expect(emulators().map((emulator) => emulator.calls().total)).toEqual([0, 0, 0]);
  });

  it('exits 2 for a payload file it cannot use', async () => {
    const missing = await dryRun('{"hello": "world"}');

    expect(missing.code).toBe(2);
    expect(missing.output).toContain('cannot tell which webhook');
  });
});

import { jest } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startConsole } from '../../../local/console/index.js';
import { RecentRelays } from '../../../local/console/relays.js';
import { SANDBOX_TERMS_WEBHOOK_SECRET, SANDBOX_ZENDESK_WEBHOOK_SECRET } from '../../../sandbox/launch.js';
import { renderTriggerBody, sendWebhook } from '../../../sandbox/zendesk/index.js';
import { eventually, queueDepth, startHubWithSandbox } from '../../support/hub-harness.js';
import { acceptanceBody, termsSignature } from '../../support/terms.js';

// Two relays through 10 s batching windows, a conflict dead-lettered, then the page.
jest.setTimeout(120_000);

const CHROMIUM = '/usr/bin/chromium';
/** Where the screenshot goes (gitignored), for a person to look at after the run. */
const SCREENSHOT = resolve(import.meta.dirname, '../../../.bench/console.png');

let harness: Awaited<ReturnType<typeof startHubWithSandbox>>;
let browser: Browser;
let consoleUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`The console test drives Debian's chromium at ${CHROMIUM}: apt-get install -y chromium`);
  const relays = new RecentRelays();
  harness = await startHubWithSandbox(
    {},
    {},
    {
      onInvocation: (invocation) => relays.add(invocation),
      // serverless.yml's windows: the redriven dead letter must still wait out the work queue's
      // window when the test counts the dead-letter queue; within a 1 s one the writer could
      // dead-letter it again first.
      maxBatchingWindowSeconds: undefined,
    },
  );
  harness.sandbox.salesforce!.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 3 });
  consoleUrl = startConsole(harness.hub, harness.sandbox, relays);
  browser = await chromium.launch({ executablePath: CHROMIUM });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

async function postAcceptance(overrides: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify(acceptanceBody(2, overrides));
  const headers = termsSignature(SANDBOX_TERMS_WEBHOOK_SECRET, body);
  const response = await fetch(`${harness.hub.url}/webhooks/terms`, { method: 'POST', headers, body });
  expect(response.status).toBe(202);
}

/** Share of non-zero bytes in the PNG's (filtered) scanlines: about 0 for a blank page. */
function inkOf(png: Buffer): { width: number; height: number; ink: number } {
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
    at += length + 12;
  }
  const pixels = inflateSync(Buffer.concat(chunks));
  const inked = pixels.reduce((count, byte) => count + (byte === 0 ? 0 : 1), 0);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), ink: inked / pixels.length };
}

const row = (page: Page, queueName: string) => page.locator('#queues tr', { hasText: queueName });

describe('the console page', () => {
  it('shows a ticket beside its Case, the queues and the relays, and redrives a dead letter', async () => {
    const zendesk = harness.sandbox.zendesk!;
    const user = zendesk.addUser({ name: 'Ann', email: 'user000001@example.com', external_id: 'u_000001' });
    const ticket = zendesk.addTicket({ subject: 'Export to CSV fails', requester_id: user.id, priority: 'high' });
    await sendWebhook(`${harness.hub.url}/webhooks/zendesk`, renderTriggerBody(ticket, user), {
      secret: SANDBOX_ZENDESK_WEBHOOK_SECRET,
    });
    await postAcceptance({ ip: '203.0.113.7' });
    const salesforce = harness.sandbox.salesforce!;
    await eventually(() => salesforce.findByExternalId('Terms_Acceptance__c', 'Acceptance_Id__c', 'acc-2'), 60_000);
    // The same acceptance with other evidence: the writer dead-letters it (EVIDENCE_CONFLICT).
    await postAcceptance({ ip: '198.51.100.9' });
    await eventually(async () =>
      (await queueDepth(harness.hub, 'SalesforceDeadLetterQueue')) === 1 ? true : undefined,
    );
    const kase = await eventually(() => salesforce.findByExternalId('Case', 'Zendesk_Ticket_Id__c', String(ticket.id)));
    await eventually(() => (harness.sandbox.mixpanel!.events('u_000001').length > 0 ? true : undefined), 60_000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    await page.goto(`${consoleUrl}?user=u_000001`);

    await page.locator('#timeline li', { hasText: 'Support Ticket Created' }).waitFor();
    await page.locator('#records tr', { hasText: String(kase.CaseNumber) }).waitFor();
    expect(await page.locator('#records tr', { hasText: String(kase.CaseNumber) }).textContent()).toContain(
      'Export to CSV fails',
    );
    const dlq = harness.hub.queues.get('SalesforceDeadLetterQueue')!.name;
    const work = harness.hub.queues.get('SalesforceQueue')!.name;
    await row(page, work).locator('td', { hasText: 'EVIDENCE_CONFLICT × 1' }).waitFor();
    await page.locator('#budgets', { hasText: 'not paused' }).first().waitFor();
    await page.locator('#relays tr', { hasText: 'salesforceWriter' }).first().waitFor();
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    writeFileSync(SCREENSHOT, await page.screenshot({ fullPage: true }));
    process.stdout.write(`Console screenshot: ${SCREENSHOT}\n`);

    await page.getByRole('button', { name: `Redrive ${dlq} to ${work}` }).click();

    await page
      .getByRole('status')
      .filter({ hasText: `Redrove 1 message(s) from ${dlq}` })
      .waitFor();
    expect(await queueDepth(harness.hub, 'SalesforceDeadLetterQueue')).toBe(0);
    const shot = inkOf(readFileSync(SCREENSHOT));
    expect(shot.width).toBe(1280);
    expect(shot.height).toBeGreaterThanOrEqual(900);
    expect(shot.ink).toBeGreaterThan(0.01);
    await page.close();
  });

  it('refuses a redrive from another origin, or without the page token', async () => {
    const url = `${harness.hub.url}/console/api/queues/SalesforceQueue/redrive`;

    const crossSite = await fetch(url, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'x-console-token': 'guessed' },
    });
    const noToken = await fetch(url, { method: 'POST', headers: { origin: harness.hub.url } });

    expect([crossSite.status, noToken.status]).toEqual([403, 403]);
  });
});

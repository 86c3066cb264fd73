import { jest } from '@jest/globals';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { MixpanelExportClient } from '../../lib/clients/mixpanel/export.js';
import { loadMixpanelExportConfig } from '../../lib/clients/mixpanel/config.js';
import { SalesforceClient } from '../../lib/clients/salesforce/client.js';
import { loadSalesforceConfig } from '../../lib/clients/salesforce/config.js';
import { findAcceptances } from '../../lib/terms/evidence/index.js';
import { SANDBOX_TERMS_WEBHOOK_SECRET } from '../../sandbox/launch.js';
import { eventually, queueDepth, startHubWithSandbox } from '../support/hub-harness.js';
import { acceptanceBody, termsSignature } from '../support/terms.js';

// Each relay crosses two batching windows (salesforce, then mixpanel queue), as in Lambda; capped at 1 s here.
jest.setTimeout(60_000);

let harness: Awaited<ReturnType<typeof startHubWithSandbox>>;

beforeAll(async () => {
  harness = await startHubWithSandbox();
  harness.sandbox.salesforce!.seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 5 });
}, 30_000);
afterAll(async () => harness.stop());

const salesforce = () => harness.sandbox.salesforce!;
const mixpanel = () => harness.sandbox.mixpanel!;
const recordOf = (id: string) => salesforce().findByExternalId('Terms_Acceptance__c', 'Acceptance_Id__c', id);

async function post(
  body: unknown,
  headers?: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = JSON.stringify(body);
  const response = await fetch(`${harness.hub.url}/webhooks/terms`, {
    method: 'POST',
    headers: headers ?? termsSignature(SANDBOX_TERMS_WEBHOOK_SECRET, text),
    body: text,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function settled(): Promise<void> {
  await eventually(async () =>
    (await queueDepth(harness.hub, 'SalesforceQueue')) === 0 && (await queueDepth(harness.hub, 'MixpanelQueue')) === 0
      ? true
      : undefined,
  );
}

describe('terms acceptance → Salesforce evidence → Mixpanel timeline', () => {
  it('records a signed acceptance in full, linked to Contact and Account, and its event with the IP kept', async () => {
    const body = acceptanceBody(1, { ip: '2001:db8::7' });

    const answer = await post(body);

    expect(answer).toEqual({ status: 202, json: { accepted: 1, acceptanceIds: ['acc-1'] } });
    const event = await eventually(() =>
      mixpanel()
        .events('u_000001')
        .find((e) => e.event === 'Terms Accepted'),
    );
    const contact = salesforce().findByExternalId('Contact', 'App_User_Id__c', 'u_000001');
    const account = salesforce().findByExternalId('Account', 'App_Account_Id__c', 'acc_000001');
    const record = recordOf('acc-1');
    expect(record).toMatchObject({
      Acceptance_Id__c: 'acc-1',
      App_User_Id__c: 'u_000001',
      Email__c: 'user000001@example.com',
      App_Account_Id__c: 'acc_000001',
      Terms_Version__c: '2026-01',
      IP_Address__c: '2001:db8::7',
      User_Agent__c: body.user_agent,
      Terms_Url__c: body.terms_url,
      Terms_Sha256__c: 'a'.repeat(64),
      Evidence_Hash__c: expect.stringMatching(/^[a-f0-9]{64}$/),
      Contact__c: contact?.Id,
      Account__c: account?.Id,
    });
    expect(String(record?.Accepted_At__c)).toMatch(/^2026-11-20T09:15:00/);
    expect(event.properties).toMatchObject({
      accepted_ip: '2001:db8::7',
      terms_version: '2026-01',
      acceptance_id: 'acc-1',
      salesforce_record_id: record?.Id,
      time: Date.parse('2026-11-20T09:15:00Z'),
    });
    await eventually(() => mixpanel().profile('u_000001'));
    expect(mixpanel().profile('u_000001')?.properties).toMatchObject({
      terms_version: '2026-01',
      terms_accepted_at: '2026-11-20T09:15:00.000Z',
    });
  });

  it('keeps one record and one event when an acceptance is posted twice, never overwriting the first', async () => {
    const first = acceptanceBody(2);
    await post(first);
    await eventually(() => recordOf('acc-2'));
    const before = { ...recordOf('acc-2') };

    await post(first);
    await post({ ...first, user_agent: 'curl/8.0 (a different story)' });
    await settled();

    expect(
      salesforce()
        .records('Terms_Acceptance__c')
        .filter((record) => record.Acceptance_Id__c === 'acc-2'),
    ).toHaveLength(1);
    expect(recordOf('acc-2')).toEqual(before);
    expect(
      mixpanel()
        .events('u_000002')
        .filter((e) => e.event === 'Terms Accepted'),
    ).toHaveLength(1);
    const dlq = harness.hub.queues.get('SalesforceDeadLetterQueue')!.url;
    const { Messages = [] } = await harness.hub.sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: dlq, MessageAttributeNames: ['All'], MaxNumberOfMessages: 10 }),
    );
    expect(Messages.map((message) => message.MessageAttributes?.reason_code?.StringValue)).toEqual([
      'EVIDENCE_CONFLICT',
    ]);
  });

  it('lets the evidence lookup find the record and the event, and flags the record once someone edits it', async () => {
    await post(acceptanceBody(4, { ip: '198.51.100.44' }));
    await eventually(() =>
      mixpanel()
        .events('u_000004')
        .find((e) => e.event === 'Terms Accepted'),
    );
    const noSsm = async () => undefined;
    const env = { ...harness.sandbox.env, MIXPANEL_EXPORT_API_URL: mixpanel().url };
    const salesforceClient = new SalesforceClient(await loadSalesforceConfig(noSsm, env));
    const exportClient = new MixpanelExportClient(await loadMixpanelExportConfig(noSsm, env));
    const evidence = () =>
      findAcceptances({
        salesforce: salesforceClient,
        mixpanel: exportClient,
        by: { email: 'user000004@example.com' },
      });

    const before = await evidence();
    salesforce().update('Terms_Acceptance__c', String(recordOf('acc-4')?.Id), { IP_Address__c: '203.0.113.99' });
    const after = await evidence();

    expect(before.verified).toBe(true);
    expect(before.acceptances).toHaveLength(1);
    expect(before.acceptances[0]).toMatchObject({
      ipAddress: '198.51.100.44',
      hashValid: true,
      mixpanelEvent: { status: 'found' },
    });
    expect(after.verified).toBe(false);
    expect(after.acceptances[0]?.verdicts).toContain('EDITED SINCE RECORDED');
  });

  it('refuses a tampered body, a replayed request and a bad field, and enqueues nothing', async () => {
    const text = JSON.stringify(acceptanceBody(3));
    const signed = termsSignature(SANDBOX_TERMS_WEBHOOK_SECRET, text);
    const stale = termsSignature(SANDBOX_TERMS_WEBHOOK_SECRET, text, String(Math.floor(Date.now() / 1000) - 600));

    const tampered = await fetch(`${harness.hub.url}/webhooks/terms`, {
      method: 'POST',
      headers: signed,
      body: text.replace('203.0.113.7', '198.51.100.1'),
    });
    const replayed = await fetch(`${harness.hub.url}/webhooks/terms`, { method: 'POST', headers: stale, body: text });
    const invalid = await post(acceptanceBody(3, { ip: 'not-an-ip' }));

    expect(tampered.status).toBe(401);
    expect(replayed.status).toBe(401);
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toBe('Invalid request: ip: must be an IPv4 or IPv6 address');
    expect(await queueDepth(harness.hub, 'SalesforceQueue')).toBe(0);
    expect(recordOf('acc-3')).toBeUndefined();
  });
});

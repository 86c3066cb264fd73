import { parseOutboundMessage } from '../../../lib/outbound/envelope.js';
import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { startSoapListener, type SoapListener } from '../../support/soap-listener.js';
import { startTestOrg } from './factories.js';

const FAST = { batchWindowMs: 20, firstRetryMs: 30, maxRetryIntervalMs: 120, timeoutMs: 2000 };

async function until<T>(read: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Salesforce emulator outbound messages', () => {
  let listener: SoapListener;
  let sf: SalesforceEmulator;
  let accountId: string;
  beforeEach(async () => {
    listener = await startSoapListener();
    sf = await startTestOrg({
      outboundDelivery: FAST,
      outboundMessages: [
        {
          name: 'Switchboard_Opportunity_Closed_Won',
          object: 'Opportunity',
          endpointUrl: listener.url,
          fields: ['AccountId', 'Amount', 'CloseDate', 'Name', 'StageName', 'SystemModstamp'],
          when: { StageName: 'Closed Won' },
        },
        {
          name: 'Switchboard_Case_Refund',
          object: 'Case',
          endpointUrl: listener.url,
          fields: ['Contact_App_User_Id__c', 'Subject', 'Type', 'SystemModstamp'],
          when: { Type: 'Refund' },
        },
      ],
    });
    accountId = sf.insert('Account', { Name: 'Acme' });
  });
  afterEach(async () => {
    await sf.stop();
    await listener.close();
  });

  const opportunity = (stage: string, name = 'Annual plan'): string =>
    sf.insert('Opportunity', { Name: name, AccountId: accountId, StageName: stage, CloseDate: '2026-03-31' });

  it("sends Salesforce's envelope when a record comes to meet the rule", async () => {
    const id = opportunity('Prospecting');
    sf.update('Opportunity', id, { StageName: 'Closed Won', Amount: 48000 });

    const [request] = await until(() => (listener.received.length > 0 ? listener.received : undefined));

    expect(request?.contentType).toBe('text/xml; charset=utf-8');
    const body = request?.body ?? '';
    expect(body).toContain('<notifications xmlns="http://soap.sforce.com/2005/09/outbound">');
    expect(body).toContain('<SessionId xsi:nil="true"/>');
    expect(body).toContain('<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">');
    const message = parseOutboundMessage(body);
    expect(message.organizationId).toBe(sf.orgId);
    expect(message.notifications).toEqual([
      {
        id: expect.stringMatching(/^04l/),
        sObjectType: 'Opportunity',
        fields: expect.objectContaining({ Id: id, AccountId: accountId, StageName: 'Closed Won', Amount: '48000' }),
      },
    ]);
    expect(message.notifications[0]?.fields.SystemModstamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('puts notifications saved together in one message, and none for records that do not meet the rule', async () => {
    opportunity('Closed Won', 'One');
    opportunity('Prospecting', 'Not won');
    opportunity('Closed Won', 'Two');

    const [delivery] = await until(() => {
      const acked = sf.outboundDeliveries().filter((d) => d.state === 'acked');
      return acked.length > 0 ? acked : undefined;
    });

    expect(delivery?.notificationIds).toHaveLength(2);
    expect(parseOutboundMessage(listener.received[0]?.body ?? '').notifications).toHaveLength(2);
  });

  it('sends nothing for an edit of a record that already met the rule', async () => {
    const id = opportunity('Closed Won');
    await until(() => (sf.outboundDeliveries()[0]?.state === 'acked' ? true : undefined));

    sf.update('Opportunity', id, { Amount: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(sf.outboundDeliveries()).toHaveLength(1);
  });

  it('redelivers the same notifications with back-off until it gets an Ack', async () => {
    listener.failNext([500, 503]);
    opportunity('Closed Won');

    const delivery = await until(() => sf.outboundDeliveries().find((d) => d.state === 'acked'));

    expect(delivery.attempts.map((attempt) => [attempt.status, attempt.acked])).toEqual([
      [500, false],
      [503, false],
      [200, true],
    ]);
    const ids = listener.received.map((request) => parseOutboundMessage(request.body).notifications[0]?.id);
    expect(new Set(ids).size).toBe(1);
  });

  it("carries the Case's Contact app user id through the formula field", async () => {
    const contactId = sf.insert('Contact', { LastName: 'Doe', App_User_Id__c: 'u_000007', AccountId: accountId });
    sf.insert('Case', { Subject: 'Charged twice', Type: 'Refund', ContactId: contactId });

    const [request] = await until(() => (listener.received.length > 0 ? listener.received : undefined));

    const [notification] = parseOutboundMessage(request?.body ?? '').notifications;
    expect(notification?.sObjectType).toBe('Case');
    expect(notification?.fields.Contact_App_User_Id__c).toBe('u_000007');
  });
});

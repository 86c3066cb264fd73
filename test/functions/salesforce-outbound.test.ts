import type { Context } from 'aws-lambda';
import { MixpanelIntent } from '../../lib/clients/mixpanel/intents.js';
import type { OutgoingMessage, QueueGateway } from '../../lib/clients/queue-gateway.js';
import { RetryableError } from '../../lib/errors.js';
import { OutboundFanOutIntent } from '../../lib/outbound/intents.js';
import { parseOutboundMapping } from '../../lib/outbound/mapping.js';
import { SOAP_ACK } from '../../lib/outbound/soap.js';
import shippedMapping from '../../config/outbound-mapping.json' with { type: 'json' };
import { FakeQueueGateway } from '../support/fake-queue-gateway.js';
import {
  closedWonOpportunities,
  ORG_ID,
  OUTBOUND_TOKEN,
  outboundEnvelope,
  outboundFixture,
  outboundRequest,
} from '../support/outbound-messages.js';

const MIXPANEL_QUEUE = 'https://sqs.us-east-1.amazonaws.com/000000000000/mixpanel';
const SALESFORCE_QUEUE = 'https://sqs.us-east-1.amazonaws.com/000000000000/salesforce';

// The function reads its settings at cold start, as in Lambda: set them before loading it.
Object.assign(process.env, {
  SALESFORCE_QUEUE_URL: SALESFORCE_QUEUE,
  SALESFORCE_DLQ_URL: `${SALESFORCE_QUEUE}-dlq`,
  MIXPANEL_QUEUE_URL: MIXPANEL_QUEUE,
  MIXPANEL_DLQ_URL: `${MIXPANEL_QUEUE}-dlq`,
  ZENDESK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/zendesk',
  ZENDESK_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/zendesk-dlq',
  SALESFORCE_OUTBOUND_TOKEN: OUTBOUND_TOKEN,
  SALESFORCE_ORGANIZATION_ID: ORG_ID,
});
const { createHandler } = await import('../../functions/salesforce-outbound.js');

function setup(queue: QueueGateway = new FakeQueueGateway(), organizationId = ORG_ID) {
  const handler = createHandler({
    queue,
    mixpanelQueueUrl: MIXPANEL_QUEUE,
    salesforceQueueUrl: SALESFORCE_QUEUE,
    token: OUTBOUND_TOKEN,
    organizationId,
    mapping: parseOutboundMapping(shippedMapping),
  });
  return async (...args: Parameters<typeof outboundRequest>) => {
    const result = await handler(outboundRequest(...args), {} as Context);
    return { status: result.statusCode, body: result.body ?? '', headers: result.headers ?? {} };
  };
}

const bodies = (queue: FakeQueueGateway, url: string): unknown[] =>
  queue.sent
    .filter((batch) => batch.queueUrl === url)
    .flatMap((batch) => batch.messages.map((message) => JSON.parse(message.body) as unknown));

describe('POST /webhooks/salesforce/{token}', () => {
  it('answers the documented Ack byte for byte once the notifications are enqueued', async () => {
    const queue = new FakeQueueGateway();
    const post = setup(queue);

    const answer = await post(outboundFixture('opportunities-closed-won.xml'));

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(answer.body).toBe(
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
        '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>' +
        '</notificationsResponse></soapenv:Body></soapenv:Envelope>',
    );
    expect(answer.body).toBe(SOAP_ACK);
    expect(queue.sent.length).toBeGreaterThan(0);
  });

  it('puts Closed Won Opportunities on the salesforce queue to fan out, and skips other stages', async () => {
    const queue = new FakeQueueGateway();

    await setup(queue)(outboundFixture('opportunities-closed-won.xml'));

    const intents = bodies(queue, SALESFORCE_QUEUE).map((body) => OutboundFanOutIntent.parse(body));
    expect(intents.map((intent) => intent.accountId)).toEqual(['0015g00000Xy7ZaAAJ', '0015g00000Xy7ZbAAJ']);
    expect(intents[0]).toMatchObject({
      type: 'outbound.fanout',
      source: {
        notificationId: '04l5g00000KpQ1aAAF',
        ruleId: 'opportunity-closed-won',
        sObjectType: 'Opportunity',
        recordId: '0065g00000Ab1CdAAJ',
        modstamp: '2026-03-31T14:02:11.000Z',
      },
      event: {
        event: 'Deal Won',
        properties: {
          time: Date.parse('2026-03-31T14:02:11.000Z'),
          source: 'salesforce',
          salesforce_object: 'Opportunity',
          salesforce_record_id: '0065g00000Ab1CdAAJ',
          opportunity_name: 'Acme & Co — annual plan',
          amount: 48000,
        },
      },
      profileSet: { last_deal_won_at: '2026-03-31' },
    });
    expect(intents[1]?.event?.properties.amount).toBeNull();
    expect(bodies(queue, MIXPANEL_QUEUE)).toEqual([]);
    expect(queue.sent[0]?.messages[0]?.attributes).toEqual({
      intent: 'outbound.fanout',
      notification_id: '04l5g00000KpQ1aAAF',
      salesforce_record_id: '0065g00000Ab1CdAAJ',
    });
  });

  it("puts a refund Case on its requester's timeline as a Mixpanel event the sender accepts", async () => {
    const queue = new FakeQueueGateway();

    await setup(queue)(outboundFixture('case-refund.xml'));

    const [intent, ...more] = bodies(queue, MIXPANEL_QUEUE).map((body) => MixpanelIntent.parse(body));
    expect(more).toEqual([]);
    expect(intent).toEqual({
      type: 'mixpanel.event',
      event: {
        event: 'Refund Requested',
        properties: expect.objectContaining({
          distinct_id: 'u_000007',
          time: Date.parse('2026-04-03T09:15:00.000Z'),
          $insert_id: expect.stringMatching(/^[0-9a-f]{32}$/),
          source: 'salesforce',
          salesforce_object: 'Case',
          salesforce_record_id: '5005g00000Pq2RsAAJ',
          case_number: '00001042',
          subject: 'Charged twice <March>',
        }),
      },
    });
  });

  it('turns a redelivered message into identical intents, so Mixpanel keeps one event', async () => {
    const first = new FakeQueueGateway();
    const again = new FakeQueueGateway();

    await setup(first)(outboundFixture('case-refund.xml'));
    await setup(again)(outboundFixture('case-refund.xml'));

    expect(again.sent).toEqual(first.sent);
    expect(bodies(again, MIXPANEL_QUEUE)).toHaveLength(1);
  });

  it('answers a 500 SOAP fault and no Ack when the enqueue fails, so Salesforce redelivers', async () => {
    const failing = new FakeQueueGateway();
    failing.send = (_url: string, _messages: readonly OutgoingMessage[]) =>
      Promise.reject(new RetryableError('SendMessageBatch failed'));

    const answer = await setup(failing)(outboundFixture('case-refund.xml'));

    expect(answer.status).toBe(500);
    expect(answer.body).toContain('<faultcode>soapenv:Server</faultcode>');
    expect(answer.body).not.toContain('<Ack>');
  });

  it.each([
    ['a wrong token', () => outboundRequest(outboundFixture('case-refund.xml'), 'guessed-token'), 403, 'token'],
    [
      'another org',
      () => outboundRequest(outboundEnvelope(closedWonOpportunities(1), '00D000000000062EAA')),
      403,
      'OrganizationId 00D000000000062EAA',
    ],
    ['a JSON body', () => outboundRequest('{}', OUTBOUND_TOKEN, 'application/json'), 415, 'text/xml'],
    ['malformed XML', () => outboundRequest('<soapenv:Envelope><a></soapenv:Envelope>'), 400, 'Malformed XML'],
    ['not an envelope', () => outboundRequest('<notifications/>'), 400, 'Not an outbound message envelope'],
    ['101 notifications', () => outboundRequest(outboundEnvelope(closedWonOpportunities(101))), 400, 'Notification'],
  ])('refuses %s with a SOAP fault and enqueues nothing', async (_name, request, status, names) => {
    const queue = new FakeQueueGateway();
    const handler = createHandler({
      queue,
      mixpanelQueueUrl: MIXPANEL_QUEUE,
      salesforceQueueUrl: SALESFORCE_QUEUE,
      token: OUTBOUND_TOKEN,
      organizationId: ORG_ID,
      mapping: parseOutboundMapping(shippedMapping),
    });

    const answer = await handler(request(), {} as Context);

    expect(answer.statusCode).toBe(status);
    expect(answer.body).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(answer.body).toContain(names);
    expect(answer.body).not.toContain(OUTBOUND_TOKEN);
    expect(queue.sent).toEqual([]);
  });

  it('accepts the 15-character org id Setup shows for the 18-character one Salesforce sends', async () => {
    const queue = new FakeQueueGateway();

    const answer = await setup(queue, ORG_ID.slice(0, 15))(outboundEnvelope(closedWonOpportunities(2)));

    expect(answer.status).toBe(200);
    expect(bodies(queue, SALESFORCE_QUEUE)).toHaveLength(2);
  });

  it('compares org ids case-sensitively: ids differing only in case are different orgs', async () => {
    const queue = new FakeQueueGateway();

    const answer = await setup(queue, ORG_ID.slice(0, 15).toUpperCase())(outboundEnvelope(closedWonOpportunities(1)));

    expect(answer.status).toBe(403);
    expect(queue.sent).toEqual([]);
  });
});

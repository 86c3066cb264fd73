import type { Context } from 'aws-lambda';
import { HttpError } from '../../../lib/errors.js';
import { parseOutboundMessage } from '../../../lib/outbound/envelope.js';
import { FakeQueueGateway } from '../../support/fake-queue-gateway.js';
import { closedWonOpportunities, outboundEnvelope, outboundFixture } from '../../support/outbound-messages.js';

const XXE =
  '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  '<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>&xxe;</OrganizationId>' +
  '</notifications></soapenv:Body></soapenv:Envelope>';

const LAUGHS = Array.from({ length: 10 }, (_, i) =>
  i === 0 ? '<!ENTITY lol0 "lol">' : `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`,
).join('');
const ENTITY_BOMB = `<?xml version="1.0"?><!DOCTYPE lolz [${LAUGHS}]><lolz>&lol9;</lolz>`;

function refusal(xml: string): HttpError {
  try {
    parseOutboundMessage(xml);
  } catch (error) {
    return error as HttpError;
  }
  throw new Error('expected a refusal');
}

describe('parseOutboundMessage', () => {
  it("reads Salesforce's envelope: org, action, each notification's type and fields, xsi:nil as null", () => {
    const message = parseOutboundMessage(outboundFixture('opportunities-closed-won.xml'));

    expect(message.organizationId).toBe('00D5g00000SwBrdEAF');
    expect(message.actionId).toBe('04k5g000000CwLmAAK');
    expect(message.notifications.map((n) => [n.id, n.sObjectType])).toEqual([
      ['04l5g00000KpQ1aAAF', 'Opportunity'],
      ['04l5g00000KpQ1bAAF', 'Opportunity'],
      ['04l5g00000KpQ1cAAF', 'Opportunity'],
    ]);
    expect(message.notifications[0]?.fields).toMatchObject({
      Id: '0065g00000Ab1CdAAJ',
      Name: 'Acme & Co — annual plan',
    });
    expect(message.notifications[1]?.fields.Amount).toBeNull();
  });

  it('decodes character references but nothing else', () => {
    const [notification] = closedWonOpportunities(1);
    const xml = outboundEnvelope([notification!]).replace(
      '<sf:Name>Deal 000001</sf:Name>',
      '<sf:Name>&#233;t&#xE9; &amp;c</sf:Name>',
    );

    expect(parseOutboundMessage(xml).notifications[0]?.fields.Name).toBe('été &c');
  });

  it.each([
    ['an external entity (XXE)', XXE],
    ['an entity bomb', ENTITY_BOMB],
    ['a DOCTYPE alone', `<!DOCTYPE x>${outboundFixture('case-refund.xml').replace(/^<\?xml[^>]*>/, '')}`],
  ])('refuses %s with a 400 before any parsing, without expanding', (_name, xml) => {
    const started = performance.now();

    const error = refusal(xml);

    expect(performance.now() - started).toBeLessThan(50);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe('XML with a DOCTYPE or ENTITY declaration is refused');
  });

  it('refuses an entity bomb at the route: a fast 400 SOAP fault and nothing enqueued', async () => {
    Object.assign(process.env, {
      SALESFORCE_QUEUE_URL: 'https://sqs.local/sf',
      SALESFORCE_DLQ_URL: 'https://sqs.local/sf-dlq',
      MIXPANEL_QUEUE_URL: 'https://sqs.local/mp',
      MIXPANEL_DLQ_URL: 'https://sqs.local/mp-dlq',
      ZENDESK_QUEUE_URL: 'https://sqs.local/zd',
      ZENDESK_DLQ_URL: 'https://sqs.local/zd-dlq',
      SALESFORCE_OUTBOUND_TOKEN: 't',
      SALESFORCE_ORGANIZATION_ID: '00D5g00000SwBrdEAF',
    });
    const { createHandler } = await import('../../../functions/salesforce-outbound.js');
    const { outboundRequest } = await import('../../support/outbound-messages.js');
    const { parseOutboundMapping } = await import('../../../lib/outbound/mapping.js');
    const queue = new FakeQueueGateway();
    const handler = createHandler({
      queue,
      mixpanelQueueUrl: 'https://sqs.local/mp',
      salesforceQueueUrl: 'https://sqs.local/sf',
      token: 't',
      organizationId: '00D5g00000SwBrdEAF',
      mapping: parseOutboundMapping({ rules: [] }),
    });
    const started = performance.now();

    const answer = await handler(outboundRequest(ENTITY_BOMB, 't'), {} as Context);

    expect(performance.now() - started).toBeLessThan(100);
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(answer.body).not.toContain('lol');
    expect(queue.sent).toEqual([]);
  });
});

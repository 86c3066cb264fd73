import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpEvent } from '../../lib/http/types.js';

export const ORG_ID = '00D5g00000SwBrdEAF';
export const OUTBOUND_TOKEN = 'outbound-token-for-tests';

/** An envelope Salesforce sent, kept verbatim under test/fixtures/outbound/. */
export const outboundFixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/outbound/${name}`, import.meta.url), 'utf8');

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface NotificationSpec {
  id: string;
  sObjectType: string;
  fields: Record<string, string | null>;
}

/** An outbound message in Salesforce's envelope, for generated volumes (the fixtures hold verbatim ones). */
export function outboundEnvelope(notifications: readonly NotificationSpec[], orgId = ORG_ID): string {
  const body = notifications
    .map((notification) => {
      const fields = Object.entries(notification.fields)
        .map(([name, value]) =>
          value === null ? `<sf:${name} xsi:nil="true"/>` : `<sf:${name}>${escape(value)}</sf:${name}>`,
        )
        .join('');
      return (
        `<Notification><Id>${notification.id}</Id><sObject xsi:type="sf:${notification.sObjectType}" ` +
        `xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fields}</sObject></Notification>`
      );
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
    `<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${orgId}</OrganizationId>` +
    '<ActionId>04k5g000000CwLmAAK</ActionId><SessionId xsi:nil="true"/>' +
    '<EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/62.0/00D5g00000SwBrd</EnterpriseUrl>' +
    '<PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/00D5g00000SwBrd</PartnerUrl>' +
    `${body}</notifications></soapenv:Body></soapenv:Envelope>`
  );
}

/** `count` Closed Won Opportunities, each with its own notification and record id. */
export function closedWonOpportunities(count: number, first = 1): NotificationSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(first + i).padStart(6, '0');
    return {
      id: `04l5g00000${n}AA`,
      sObjectType: 'Opportunity',
      fields: {
        Id: `0065g00000${n}AA`,
        AccountId: `0015g00000${n}AA`,
        Amount: '48000.0',
        CloseDate: '2026-03-31',
        Name: `Deal ${n}`,
        StageName: 'Closed Won',
        SystemModstamp: '2026-03-31T14:02:11.000Z',
      },
    };
  });
}

/** `POST /webhooks/salesforce/{token}` as API Gateway (payload 2.0) delivers it. */
export function outboundRequest(
  body: string,
  token = OUTBOUND_TOKEN,
  contentType = 'text/xml; charset=utf-8',
): HttpEvent {
  const path = `/webhooks/salesforce/${token}`;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: 'POST /webhooks/salesforce/{token}',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': contentType, soapaction: '""', 'user-agent': 'Jakarta Commons-HttpClient/3.1' },
    pathParameters: { token },
    requestContext: {
      requestId: 'outbound-test',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '13.108.0.1', userAgent: 'Jakarta' },
    } as APIGatewayProxyEventV2['requestContext'],
    body,
    isBase64Encoded: false,
  };
  return event as HttpEvent;
}

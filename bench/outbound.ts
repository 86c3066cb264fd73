import type { RunningHub } from '../local/hub.js';
import { SANDBOX_SALESFORCE_OUTBOUND_TOKEN } from '../sandbox/launch.js';

/** Latency of `POST /webhooks/salesforce/{token}` as Salesforce sees it, up to the Ack. */
export interface IngressLatency {
  name: string;
  requests: number;
  notificationsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const SF = 'urn:sobject.enterprise.soap.sforce.com';
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** An outbound message of `count` Opportunities, Closed Won or Case refunds alternating, as Salesforce writes it. */
function envelope(orgId: string, request: number, count: number): string {
  const notifications = Array.from({ length: count }, (_, i) => {
    const n = String(request * count + i).padStart(9, '0');
    const record =
      i % 2 === 0
        ? `<sObject xsi:type="sf:Opportunity" xmlns:sf="${SF}"><sf:Id>0065g0${n}</sf:Id>` +
          `<sf:AccountId>0015g0${n}</sf:AccountId><sf:Amount>48000.0</sf:Amount>` +
          '<sf:CloseDate>2026-03-31</sf:CloseDate>' +
          `<sf:Name>${escape(`Deal ${n} & co`)}</sf:Name><sf:StageName>Closed Won</sf:StageName>` +
          '<sf:SystemModstamp>2026-03-31T14:02:11.000Z</sf:SystemModstamp></sObject>'
        : `<sObject xsi:type="sf:Case" xmlns:sf="${SF}"><sf:Id>5005g0${n}</sf:Id>` +
          `<sf:CaseNumber>${n}</sf:CaseNumber><sf:Contact_App_User_Id__c>u_${n}</sf:Contact_App_User_Id__c>` +
          '<sf:Reason>Billing</sf:Reason><sf:Status>New</sf:Status><sf:Subject>Refund please</sf:Subject>' +
          '<sf:SystemModstamp>2026-04-03T09:15:00.000Z</sf:SystemModstamp><sf:Type>Refund</sf:Type></sObject>';
    return `<Notification><Id>04l5g0${n}</Id>${record}</Notification>`;
  }).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
    `<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${orgId}</OrganizationId>` +
    '<ActionId>04k5g0000000001AAA</ActionId><SessionId xsi:nil="true"/><EnterpriseUrl>https://x</EnterpriseUrl>' +
    `<PartnerUrl>https://x</PartnerUrl>${notifications}</notifications></soapenv:Body></soapenv:Envelope>`
  );
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/**
 * Posts `requests` outbound messages of `perRequest` notifications one after another, as one
 * Salesforce action delivers them, to the local hub (HTTP API, function, durable local SQS), and
 * reports the time to the Ack. Every answer must be the Ack.
 */
export async function measureOutboundIngress(
  hub: RunningHub,
  orgId: string,
  requests = 200,
  perRequest = 100,
): Promise<IngressLatency> {
  const url = `${hub.url}/webhooks/salesforce/${SANDBOX_SALESFORCE_OUTBOUND_TOKEN}`;
  const bodies = Array.from({ length: requests + 10 }, (_, i) => envelope(orgId, i, perRequest));
  const times: number[] = [];
  for (const [i, body] of bodies.entries()) {
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body });
    const text = await response.text();
    // The first ten warm the function and the queues up, as the first requests of a deployment would.
    if (i >= 10) times.push(performance.now() - started);
    if (response.status !== 200 || !text.includes('<Ack>true</Ack>'))
      throw new Error(`Outbound ingress answered ${response.status}: ${text.slice(0, 300)}`);
  }
  times.sort((a, b) => a - b);
  return {
    name: 'hub: Salesforce outbound ingress',
    requests,
    notificationsPerRequest: perRequest,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    maxMs: times.at(-1) ?? NaN,
  };
}

/** One line of the bench report. */
export const latencyLine = (latency: IngressLatency): string =>
  `${latency.name}: ${latency.requests} requests of ${latency.notificationsPerRequest} notifications, ` +
  `time to Ack p50 ${latency.p50Ms.toFixed(1)} ms, p99 ${latency.p99Ms.toFixed(1)} ms, ` +
  `max ${latency.maxMs.toFixed(1)} ms`;

import type { RunningHub } from '../local/hub.js';
import { SANDBOX_SALESFORCE_OUTBOUND_TOKEN, type Sandbox } from '../sandbox/launch.js';
import { forEachConcurrently } from '../lib/concurrency.js';
import { counts, emulators, resetCounters, untilDrained, type ScenarioResult } from './tickets.js';

const SF = 'urn:sobject.enterprise.soap.sforce.com';
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** An outbound message of `count` Opportunities, Closed Won or Case refunds alternating, as Salesforce writes it. */
export function envelope(orgId: string, request: number, count: number): string {
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

/** The outbound-message route of the hub, with the sandbox's token. */
export const outboundUrl = (hub: RunningHub): string =>
  `${hub.url}/webhooks/salesforce/${SANDBOX_SALESFORCE_OUTBOUND_TOKEN}`;

/**
 * From drained queues, posts `notifications` outbound notifications in messages of `perRequest`, as
 * one Salesforce action delivers them, and counts the calls each API receives until every queue
 * is empty again. Every answer must be the Ack.
 */
export async function relayOutboundThroughHub(
  hub: RunningHub,
  sandbox: Sandbox,
  notifications: number,
  onProgress: (done: number) => void = () => undefined,
  perRequest = 100,
): Promise<ScenarioResult> {
  const { salesforce } = emulators(sandbox);
  const requests = Array.from({ length: Math.ceil(notifications / perRequest) }, (_, i) => i);
  await untilDrained(hub);
  resetCounters(sandbox);
  const started = performance.now();
  let posted = 0;
  await forEachConcurrently(requests, 4, async (i) => {
    const count = Math.min(perRequest, notifications - i * perRequest);
    const response = await fetch(outboundUrl(hub), {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: envelope(salesforce.orgId, i, count),
    });
    const text = await response.text();
    if (response.status !== 200 || !text.includes('<Ack>true</Ack>'))
      throw new Error(`Outbound ingress answered ${response.status}: ${text.slice(0, 300)}`);
    posted += count;
    onProgress(posted);
  });
  await untilDrained(hub);
  return {
    name: 'hub: Salesforce outbound messages',
    records: notifications,
    // The drain check waits a quiet second at the end, which is not relay time.
    seconds: (performance.now() - started) / 1000 - 1,
    calls: counts(sandbox),
    salesforceByEndpoint: salesforce.calls().byEndpoint,
  };
}

import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { MixpanelClient } from '../lib/clients/mixpanel/client.js';
import { loadMixpanelConfig } from '../lib/clients/mixpanel/config.js';
import { SalesforceClient } from '../lib/clients/salesforce/client.js';
import { loadSalesforceConfig } from '../lib/clients/salesforce/config.js';
import { forEachConcurrently } from '../lib/concurrency.js';
import { hmacSignature } from '../lib/http/signature.js';
import { DEFAULT_CASE_MAPPING, toCaseFields } from '../lib/tickets/case-mapping.js';
import { ticketEvents } from '../lib/tickets/events.js';
import type { TicketChange } from '../lib/tickets/ticket-change.js';
import type { RunningHub } from '../local/hub.js';
import { SANDBOX_ZENDESK_WEBHOOK_SECRET, type Sandbox } from '../sandbox/launch.js';
import type { MixpanelEmulator } from '../sandbox/mixpanel/index.js';
import type { SalesforceEmulator } from '../sandbox/salesforce/index.js';
import type { ZendeskEmulator } from '../sandbox/zendesk/index.js';

export interface Contact {
  appUserId: string;
  email: string;
}

export interface CallCount {
  salesforce: number;
  mixpanel: number;
  zendesk: number;
  /** Rate-limit answers: Salesforce's 403 REQUEST_LIMIT_EXCEEDED, Mixpanel's and Zendesk's 429s. */
  rateLimited: { salesforce: number; mixpanel: number; zendesk: number };
}

export interface ScenarioResult {
  name: string;
  records: number;
  seconds: number;
  calls: CallCount;
  salesforceByEndpoint: Record<string, number>;
}

/** The emulators the bench counts calls on. */
export interface Emulators {
  salesforce: SalesforceEmulator;
  mixpanel: MixpanelEmulator;
  zendesk: ZendeskEmulator;
}

/** `value`, or an Error naming `what` when it is missing. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The bench needs ${what}, which is missing`);
  return value;
}

/** The three emulators of `sandbox`, each of which the bench needs started. */
export function emulators(sandbox: Sandbox): Emulators {
  return {
    salesforce: required(sandbox.salesforce, 'the Salesforce emulator'),
    mixpanel: required(sandbox.mixpanel, 'the Mixpanel emulator'),
    zendesk: required(sandbox.zendesk, 'the Zendesk emulator'),
  };
}

/** The contact the bench uses for record `n`, round robin over `contacts`. */
export function contactFor(contacts: readonly Contact[], n: number): Contact {
  return required(contacts[n % contacts.length], `a contact for record ${n} (${contacts.length} contacts)`);
}

/** The recommended trigger body for ticket `id`, its requester known by external id or by email only. */
export function triggerBody(id: number, contact: Contact, withExternalId: boolean): string {
  return JSON.stringify({
    ticket: {
      id: String(id),
      subject: `Bench ticket ${id}`,
      status: 'New',
      priority: 'Normal',
      type: '',
      via: 'Mail',
      tags: 'bench',
      created_at: '2026-11-01T09:00Z',
      updated_at: '2026-11-01T09:00Z',
    },
    requester: {
      id: '',
      name: 'Bench Customer',
      email: contact.email,
      external_id: withExternalId ? contact.appUserId : '',
    },
  });
}

/** The headers Zendesk signs a webhook `body` with, now. */
export function zendeskHeaders(body: string): Record<string, string> {
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    'content-type': 'application/json',
    'x-zendesk-webhook-signature': hmacSignature(SANDBOX_ZENDESK_WEBHOOK_SECRET, timestamp, body),
    'x-zendesk-webhook-signature-timestamp': timestamp,
  };
}

/** Posts a signed ticket webhook; anything but 202 is an error. */
export async function send(url: string, body: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: zendeskHeaders(body), body });
  if (response.status !== 202) throw new Error(`Webhook answered ${response.status}: ${await response.text()}`);
}

/** Messages on the hub's work queues (those with a dead-letter queue): visible, in flight or delayed. */
export async function workQueueDepth(hub: RunningHub): Promise<number> {
  let depth = 0;
  for (const queue of hub.definition.queues.filter((candidate) => candidate.deadLetter)) {
    const { Attributes } = await hub.sqs.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: required(hub.queues.get(queue.logicalId), `the local queue ${queue.logicalId}`).url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    depth +=
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0);
  }
  return depth;
}

/**
 * Waits until every work queue has been empty for a second, so that a scenario counts only its
 * own calls and not the tail of the one before (fan-out work still draining).
 */
export async function untilDrained(hub: RunningHub, timeoutMs = 10 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let emptySince: number | undefined;
  for (;;) {
    const empty = (await workQueueDepth(hub)) === 0;
    emptySince = empty ? (emptySince ?? Date.now()) : undefined;
    if (emptySince !== undefined && Date.now() - emptySince >= 1000) return;
    if (Date.now() > deadline) throw new Error(`The hub's queues did not drain within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function resetCounters(sandbox: Sandbox): void {
  const { salesforce, mixpanel, zendesk } = emulators(sandbox);
  salesforce.resetCalls();
  mixpanel.resetCalls();
  zendesk.resetCalls();
}

export function counts(sandbox: Sandbox): CallCount {
  const { salesforce, mixpanel, zendesk } = emulators(sandbox);
  return {
    salesforce: salesforce.calls().total,
    mixpanel: mixpanel.calls().total,
    zendesk: zendesk.calls().total,
    rateLimited: {
      salesforce: salesforce.callsByStatus()[403] ?? 0,
      mixpanel: mixpanel.callsByStatus()[429] ?? 0,
      zendesk: zendesk.callsByStatus()[429] ?? 0,
    },
  };
}

/**
 * Relays `records` ticket webhooks through the running hub (HTTP → queues → consumers →
 * emulators) and counts the calls each API received until every event is in Mixpanel.
 */
export async function relayThroughHub(
  name: string,
  hub: RunningHub,
  sandbox: Sandbox,
  contacts: readonly Contact[],
  options: { records: number; firstTicketId: number; withExternalId: boolean; onProgress?: (done: number) => void },
): Promise<ScenarioResult> {
  const ids = Array.from({ length: options.records }, (_, i) => options.firstTicketId + i);
  return measureRelay(
    name,
    hub,
    sandbox,
    options.records,
    () =>
      forEachConcurrently(ids, 32, (id) =>
        send(`${hub.url}/webhooks/zendesk`, triggerBody(id, contactFor(contacts, id), options.withExternalId)),
      ),
    options.onProgress,
  );
}

/**
 * From drained queues, counts the calls each API receives from `post` until `events` more events are in Mixpanel
 * and every queue is empty; `onProgress` hears the events relayed so far.
 */
export async function measureRelay(
  name: string,
  hub: RunningHub,
  sandbox: Sandbox,
  events: number,
  post: () => Promise<void>,
  onProgress: (done: number) => void = () => undefined,
): Promise<ScenarioResult> {
  const { salesforce, mixpanel } = emulators(sandbox);
  await untilDrained(hub);
  resetCounters(sandbox);
  const before = mixpanel.stats().importedRecords;
  const relayed = (): number => mixpanel.stats().importedRecords - before;
  const started = performance.now();
  const ticker = setInterval(() => onProgress(relayed()), 250);
  try {
    await post();
    const deadline = Date.now() + 10 * 60_000;
    while (relayed() < events || (await workQueueDepth(hub)) > 0) {
      if (Date.now() > deadline) throw new Error(`${name}: not relayed within 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    clearInterval(ticker);
  }
  onProgress(relayed());
  return {
    name,
    records: events,
    seconds: (performance.now() - started) / 1000,
    calls: counts(sandbox),
    salesforceByEndpoint: salesforce.calls().byEndpoint,
  };
}

/**
 * The naive relay the hub is designed against: per ticket, a Contact query, a one-record Case
 * upsert and a one-event Mixpanel import, on the same emulators and the same adapters.
 */
export async function relayNaively(
  name: string,
  sandbox: Sandbox,
  env: Record<string, string>,
  contacts: readonly Contact[],
  options: { records: number; firstTicketId: number; onProgress?: (done: number) => void },
): Promise<ScenarioResult> {
  // The sandbox settings hold every secret, so no SSM parameter is ever read.
  const noParameters = () => Promise.resolve(undefined);
  const salesforce = new SalesforceClient(await loadSalesforceConfig(noParameters, env));
  const mixpanel = new MixpanelClient(await loadMixpanelConfig(noParameters, env));
  resetCounters(sandbox);
  const started = performance.now();
  for (let i = 0; i < options.records; i += 1) {
    const id = options.firstTicketId + i;
    const contact = contactFor(contacts, id);
    const [found] = await salesforce.queryWhereIn<{ Id: string; App_User_Id__c: string }>(
      'Contact',
      ['Id', 'App_User_Id__c'],
      'Email',
      [contact.email],
    );
    const change: TicketChange = {
      ticketId: String(id),
      subject: `Naive ticket ${id}`,
      status: 'new',
      priority: 'normal',
      type: null,
      channel: 'email',
      tags: ['bench'],
      createdAt: '2026-11-01T09:00:00.000Z',
      updatedAt: '2026-11-01T09:00:00.000Z',
      url: null,
      requester: { zendeskId: null, email: contact.email, externalId: null },
      accountExternalId: null,
      events: ['created'],
      source: 'bench',
    };
    const [outcome] = await salesforce.upsert('Case', 'Zendesk_Ticket_Id__c', [
      { Zendesk_Ticket_Id__c: change.ticketId, ...toCaseFields(change, DEFAULT_CASE_MAPPING), ContactId: found?.Id },
    ]);
    if (!outcome || outcome instanceof Error) throw outcome ?? new Error('no outcome');
    const events = ticketEvents(change, found?.App_User_Id__c ?? contact.appUserId, outcome.id)
      .map((intent) => (intent.type === 'mixpanel.event' ? intent.event : undefined))
      .filter((event) => event !== undefined);
    await mixpanel.importEvents(events);
    options.onProgress?.(i + 1);
  }
  return {
    name,
    records: options.records,
    seconds: (performance.now() - started) / 1000,
    calls: counts(sandbox),
    salesforceByEndpoint: emulators(sandbox).salesforce.calls().byEndpoint,
  };
}

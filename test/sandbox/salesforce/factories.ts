import jsforce from 'jsforce';
import {
  startSalesforceEmulator,
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from '../../../sandbox/salesforce/index.js';

export const VERSION = 'v62.0';

/** Starts the emulator on a free loopback port. */
export function startTestOrg(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  return startSalesforceEmulator({ port: 0, ...options });
}

/** A jsforce connection with the pre-issued token, as the hub would hold one. */
export function connect(sf: SalesforceEmulator, version = '62.0'): jsforce.Connection {
  return new jsforce.Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version });
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** A raw REST call (path relative to `/services/data/v62.0`, or absolute when it starts with `/services`). */
export async function api(
  sf: SalesforceEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const url =
    path.startsWith('/services') || path.startsWith('/__sandbox')
      ? `${sf.url}${path}`
      : `${sf.url}/services/data/${VERSION}${path}`;
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${sf.accessToken}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // CSV and empty bodies stay text.
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** A Case body keyed by Zendesk ticket id. */
export function caseFor(ticket: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { attributes: { type: 'Case' }, Zendesk_Ticket_Id__c: String(ticket), Subject: `Ticket ${ticket}`, ...extra };
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse('2025-01-15T10:00:00Z')): {
  now: () => Date;
  advance: (ms: number) => void;
} {
  let at = start;
  return { now: () => new Date(at), advance: (ms) => (at += ms) };
}

import type { SalesforceConfig } from '../../../../lib/clients/salesforce/config.js';
import { startSalesforceEmulator, type SalesforceEmulator, type SalesforceEmulatorOptions } from '../../../../sandbox/salesforce/index.js';

/** The emulator on a free loopback port. */
export function startOrg(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  return startSalesforceEmulator({ port: 0, ...options });
}

/** Client settings pointing at an emulator (its URL is both the login URL and the instance URL). */
export function configFor(sf: SalesforceEmulator, overrides: Partial<SalesforceConfig> = {}): SalesforceConfig {
  return { loginUrl: sf.url, clientId: sf.clientId, clientSecret: sf.clientSecret, apiVersion: '62.0', budgetGuardPercent: 80, ...overrides };
}

/** A Case keyed by its Zendesk ticket id. */
export function ticketCase(ticket: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Zendesk_Ticket_Id__c: String(ticket), Subject: `Ticket ${ticket}`, Origin: 'Web', ...extra };
}

export const tickets = (count: number, from = 1): Array<Record<string, unknown>> => Array.from({ length: count }, (_, i) => ticketCase(from + i));

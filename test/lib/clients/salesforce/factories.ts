import type { SalesforceConfig } from '../../../../lib/clients/salesforce/config.js';
import {
  startSalesforceEmulator,
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from '../../../../sandbox/salesforce/index.js';

/** The emulator on a free loopback port. */
export function startOrg(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  return startSalesforceEmulator({ port: 0, ...options });
}

/** Client settings pointing at an emulator (its URL is both the login URL and the instance URL). */
export function configFor(sf: SalesforceEmulator, overrides: Partial<SalesforceConfig> = {}): SalesforceConfig {
  return {
    loginUrl: sf.url,
    clientId: sf.clientId,
    clientSecret: sf.clientSecret,
    apiVersion: '62.0',
    budgetGuardPercent: 80,
    ...overrides,
  };
}

/** A Case keyed by its Zendesk ticket id. */
export function ticketCase(ticket: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Zendesk_Ticket_Id__c: String(ticket), Subject: `Ticket ${ticket}`, Origin: 'Web', ...extra };
}

export const tickets = (count: number, from = 1): Array<Record<string, unknown>> =>
  Array.from({ length: count }, (_, i) => ticketCase(from + i));

/** A Terms_Acceptance__c evidence record keyed by `acc-{n}` (the fields the hub writes, without lookups). */
export function termsAcceptance(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Acceptance_Id__c: `acc-${n}`,
    App_User_Id__c: `u_${String(n).padStart(6, '0')}`,
    Email__c: `user${String(n).padStart(6, '0')}@example.com`,
    App_Account_Id__c: 'acc_000001',
    Terms_Version__c: '2025-01',
    Accepted_At__c: '2026-01-31T09:15:00.000Z',
    IP_Address__c: '2001:db8::1',
    User_Agent__c: 'Mozilla/5.0 (X11; Linux x86_64)',
    Terms_Url__c: 'https://example.com/terms/2025-01',
    Terms_Sha256__c: 'a'.repeat(64),
    Evidence_Hash__c: String(n % 10).repeat(64),
    ...extra,
  };
}

export const acceptances = (count: number, from = 1): Array<Record<string, unknown>> =>
  Array.from({ length: count }, (_, i) => termsAcceptance(from + i));

import type { MixpanelExportConfig } from '../../../../lib/clients/mixpanel/config.js';
import { MixpanelExportClient } from '../../../../lib/clients/mixpanel/export.js';
import { SalesforceClient } from '../../../../lib/clients/salesforce/client.js';
import { TermsAcceptance } from '../../../../lib/terms/acceptance.js';
import { evidenceRecordFields } from '../../../../lib/terms/evidence-hash.js';
import { termsIntents } from '../../../../lib/terms/events.js';
import { startMixpanelEmulator, type MixpanelEmulator } from '../../../../sandbox/mixpanel/index.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../../sandbox/salesforce/index.js';

export interface Emulators {
  sf: SalesforceEmulator;
  mp: MixpanelEmulator;
  salesforce: SalesforceClient;
  mixpanel: MixpanelExportClient;
  mixpanelConfig: MixpanelExportConfig;
}

/** Both emulators on free loopback ports, with clients of them; the export budget is raised so tests never wait. */
export async function startEmulators(): Promise<Emulators> {
  const [sf, mp] = await Promise.all([
    startSalesforceEmulator({ port: 0 }),
    startMixpanelEmulator({ port: 0, exportRateLimit: { perSecond: 1000, perHour: 10_000 } }),
  ]);
  const account = mp.config.serviceAccounts[0]!;
  const mixpanelConfig = {
    exportApiUrl: mp.url,
    projectId: mp.config.projectId,
    serviceAccount: account.username,
    serviceAccountSecret: account.secret,
  };
  return {
    sf,
    mp,
    salesforce: new SalesforceClient({
      loginUrl: sf.url,
      clientId: sf.clientId,
      clientSecret: sf.clientSecret,
      apiVersion: '62.0',
      budgetGuardPercent: 80,
    }),
    mixpanel: new MixpanelExportClient(mixpanelConfig),
    mixpanelConfig,
  };
}

/** An acceptance as the app reports it (validated and normalised like the webhook does). */
export function anAcceptance(n: number, overrides: Record<string, unknown> = {}): TermsAcceptance {
  return TermsAcceptance.parse({
    acceptance_id: `acc-${n}`,
    user_id: 'u_000001',
    email: 'Jane.Doe@Example.com',
    account_id: 'acc_000001',
    terms_version: '2026-01',
    accepted_at: '2026-01-31T09:15:00Z',
    ip: '203.0.113.7',
    user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15',
    terms_url: 'https://example.com/terms/2026-01',
    terms_sha256: 'ab'.repeat(32),
    ...overrides,
  });
}

/** Inserts the Terms_Acceptance__c the hub writes, with its evidence hash; returns the record id. */
export function recordAcceptance(
  sf: SalesforceEmulator,
  acceptance: TermsAcceptance,
  extra: Record<string, unknown> = {},
): string {
  return sf.insert('Terms_Acceptance__c', { ...evidenceRecordFields(acceptance), ...extra });
}

/** The `Terms Accepted` event the hub sends for a recorded acceptance, with property overrides. */
export function termsEvent(
  acceptance: TermsAcceptance,
  recordId: string,
  overrides: Record<string, unknown> = {},
): { event: string; properties: Record<string, unknown> } {
  const [intent] = termsIntents(acceptance, recordId);
  if (intent?.type !== 'mixpanel.event') throw new Error('termsIntents no longer starts with the event');
  return { event: intent.event.event, properties: { ...intent.event.properties, ...overrides } };
}

/** Records the acceptance in Salesforce and (unless told not to) its event in Mixpanel. */
export function recordWithEvent(
  env: Pick<Emulators, 'sf' | 'mp'>,
  acceptance: TermsAcceptance,
  event: Record<string, unknown> | false = {},
): string {
  const id = recordAcceptance(env.sf, acceptance);
  if (event !== false) env.mp.seedEvents([termsEvent(acceptance, id, event)]);
  return id;
}

/** Both emulators for the tests of one file, emptied after each test. */
export function useEmulators(): Emulators {
  const env = {} as Emulators;
  beforeAll(async () => {
    Object.assign(env, await startEmulators());
  });
  afterEach(() => {
    env.sf.reset();
    env.mp.reset();
    env.mp.resetCalls();
  });
  afterAll(async () => {
    await env.sf.stop();
    await env.mp.stop();
  });
  return env;
}

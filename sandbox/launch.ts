import { defaultSalesforceConfig, type SalesforceEmulatorOptions } from './salesforce/config.js';
import { startSalesforceEmulator, type SalesforceEmulator } from './salesforce/index.js';
import {
  defaultMixpanelConfig,
  startMixpanelEmulator,
  type MixpanelEmulator,
  type MixpanelEmulatorOptions,
} from './mixpanel/index.js';
import { defaultZendeskConfig, startZendeskEmulator, type ZendeskEmulator } from './zendesk/index.js';

export const SANDBOX_NAMES = ['salesforce', 'mixpanel', 'zendesk'] as const;
export type SandboxName = (typeof SANDBOX_NAMES)[number];

/** The webhook secret the local hub and the sandbox share (never a real one). */
export const SANDBOX_ZENDESK_WEBHOOK_SECRET = 'sandbox-zendesk-webhook-secret';
/** The terms webhook secret of the local hub (the app side signs with it). */
export const SANDBOX_TERMS_WEBHOOK_SECRET = 'sandbox-terms-webhook-secret';
/** The path token of the local hub's `POST /webhooks/salesforce/{token}` (outbound messages). */
export const SANDBOX_SALESFORCE_OUTBOUND_TOKEN = 'sandbox-salesforce-outbound-token';

export interface SandboxOptions {
  /** Which emulators to start (default: all three). */
  only?: readonly SandboxName[];
  /** Fixed ports; 0 or absent picks free ones. */
  ports?: Partial<Record<SandboxName, number>>;
  seed?: number;
  /** Where the Zendesk emulator sends signed webhooks for tickets added with `notify: true`. */
  zendeskWebhook?: { url: string; secret: string; kind?: 'event' | 'trigger' };
  /** Outbound messages the emulated org sends, and their redelivery timing. */
  salesforceOutbound?: Pick<SalesforceEmulatorOptions, 'outboundMessages' | 'outboundDelivery'>;
  /** The Mixpanel GDPR API's tokens and how long its deletion tasks stay pending. */
  mixpanelGdpr?: MixpanelEmulatorOptions['gdpr'];
}

export interface Sandbox {
  salesforce?: SalesforceEmulator;
  mixpanel?: MixpanelEmulator;
  zendesk?: ZendeskEmulator;
  /** The hub settings that point each started API at its emulator, with its sandbox credentials. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the chosen emulators on loopback and tells the hub how to reach them. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const wanted = new Set(options.only ?? SANDBOX_NAMES);
  const seed = options.seed ?? 1;
  const sandbox: Sandbox = { env: {}, stop: () => Promise.resolve() };

  if (wanted.has('salesforce')) {
    const salesforce = await startSalesforceEmulator({
      ...defaultSalesforceConfig,
      seed,
      port: options.ports?.salesforce ?? 0,
      ...options.salesforceOutbound,
    });
    sandbox.salesforce = salesforce;
    Object.assign(sandbox.env, {
      SALESFORCE_LOGIN_URL: salesforce.url,
      SALESFORCE_CLIENT_ID: String(defaultSalesforceConfig.clientId),
      SALESFORCE_CLIENT_SECRET: String(defaultSalesforceConfig.clientSecret),
      // Outbound messages come from the emulated org to the hub's token route.
      SALESFORCE_ORGANIZATION_ID: salesforce.orgId,
      SALESFORCE_OUTBOUND_TOKEN: SANDBOX_SALESFORCE_OUTBOUND_TOKEN,
    });
  }
  if (wanted.has('mixpanel')) {
    const mixpanel = await startMixpanelEmulator({
      seed,
      port: options.ports?.mixpanel ?? 0,
      ...(options.mixpanelGdpr ? { gdpr: options.mixpanelGdpr } : {}),
    });
    const account = defaultMixpanelConfig.serviceAccounts[0];
    sandbox.mixpanel = mixpanel;
    Object.assign(sandbox.env, {
      MIXPANEL_API_URL: mixpanel.url,
      MIXPANEL_PROJECT_ID: defaultMixpanelConfig.projectId,
      MIXPANEL_PROJECT_TOKEN: defaultMixpanelConfig.projectToken,
      MIXPANEL_SERVICE_ACCOUNT: account?.username ?? '',
      MIXPANEL_SERVICE_ACCOUNT_SECRET: account?.secret ?? '',
      // The GDPR API (switchboard forget) is served by the same emulator, under /api/app.
      MIXPANEL_GDPR_API_URL: `${mixpanel.url}/api/app`,
      MIXPANEL_GDPR_TOKEN: defaultMixpanelConfig.gdpr.oauthTokens[0] ?? '',
    });
  }
  if (wanted.has('zendesk')) {
    const zendesk = await startZendeskEmulator({
      seed,
      port: options.ports?.zendesk ?? 0,
      ...(options.zendeskWebhook ? { webhook: options.zendeskWebhook } : {}),
    });
    sandbox.zendesk = zendesk;
    Object.assign(sandbox.env, {
      // The hub's own webhook secret; the sandbox's webhook sender signs with it.
      ZENDESK_WEBHOOK_SECRET: SANDBOX_ZENDESK_WEBHOOK_SECRET,
      ZENDESK_API_URL: zendesk.apiUrl,
      ZENDESK_EMAIL: defaultZendeskConfig.credentials.email,
      ZENDESK_API_TOKEN: defaultZendeskConfig.credentials.apiToken,
    });
  }
  sandbox.stop = async () => {
    await Promise.all([sandbox.salesforce?.stop(), sandbox.mixpanel?.stop(), sandbox.zendesk?.stop()]);
  };
  return sandbox;
}

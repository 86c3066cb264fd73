import { startEmulator, type RunningEmulator } from '../common/emulator.js';
import { SalesforceSettings, type SalesforceEmulatorOptions } from './config.js';
import { loadSchema } from './metadata.js';
import { SalesforceOrg } from './org.js';
import { accessors, type SalesforceAccessors } from './programmatic.js';
import { salesforceSpec } from './spec.js';

export { defaultSalesforceConfig, SalesforceSettings, type SalesforceEmulatorOptions } from './config.js';
export { DEFAULT_METADATA_DIR, loadSchema } from './metadata.js';
export type { RecordView, SalesforceAccessors, SeededAccounts } from './programmatic.js';
export type { OutboundDeliveryView } from './outbound/messenger.js';

/** A running Salesforce emulator: the shared emulator handle plus typed access to the org. */
export interface SalesforceEmulator extends RunningEmulator, SalesforceAccessors {
  /** The `instance_url` clients talk to (same as `url`). */
  instanceUrl: string;
  /** `POST` target of the OAuth token request. */
  tokenUrl: string;
  /** A pre-issued access token that never expires. */
  accessToken: string;
  orgId: string;
  clientId: string;
  clientSecret: string;
  /** Username of the client-credentials "run as" user. */
  username: string;
}

/**
 * Starts an emulated Salesforce org on loopback: OAuth token endpoint (client credentials, JWT
 * bearer), REST sObject resources, sObject Collections, SOQL, Bulk API 2.0 ingest and query,
 * `/limits`, with the schema and validation rules read from the repository's SFDX metadata.
 */
export async function startSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const settings = SalesforceSettings.parse(options);
  const schema = await loadSchema(settings.metadataDir);
  let baseUrl = '';
  const org = new SalesforceOrg(schema, settings, options.clock ?? (() => new Date()), () => baseUrl);
  const running = await startEmulator(salesforceSpec(org), options);
  baseUrl = running.url;
  org.attach(running.random);
  return {
    ...running,
    ...accessors(org),
    stop: async () => {
      org.outbound.stop();
      await running.stop();
    },
    instanceUrl: running.url,
    tokenUrl: `${running.url}/services/oauth2/token`,
    accessToken: settings.accessTokens[0] ?? '',
    orgId: settings.orgId,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    username: org.users[0]?.username ?? '',
  };
}

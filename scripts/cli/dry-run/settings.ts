/**
 * Where a dry run reads from: the settings the functions use (the environment, or `.env`), each
 * API without its secret read from `npm start`'s sandbox of it, as `npm start` does.
 */
import defaultMapping from '../../../config/outbound-mapping.json' with { type: 'json' };
import { SalesforceClient } from '../../../lib/clients/salesforce/client.js';
import { loadSalesforceConfig } from '../../../lib/clients/salesforce/config.js';
import { ZendeskClient } from '../../../lib/clients/zendesk/client.js';
import { loadZendeskConfig } from '../../../lib/clients/zendesk/config.js';
import { ssmParameterReader } from '../../../lib/config.js';
import { OrganizationId } from '../../../lib/outbound/ingress.js';
import { parseOutboundMapping, parseOutboundMappingJson } from '../../../lib/outbound/mapping.js';
import { loadCaseMapping } from '../../../lib/tickets/case-mapping.js';
import { defaultSalesforceConfig } from '../../../sandbox/salesforce/config.js';
import { defaultZendeskConfig } from '../../../sandbox/zendesk/config.js';
import { salesforceSettings } from '../sandbox-settings.js';
import type { OutboundPlanDeps } from './outbound.js';
import type { TicketPlanDeps } from './tickets.js';

export type DryRunDeps = TicketPlanDeps & OutboundPlanDeps & { sources: string[] };

const has = (settings: Record<string, string>, name: string): boolean =>
  Boolean(settings[name] || settings[`${name}_SSM`]);

/** The clients and settings of every route; no API is called until a plan reads. */
export async function dryRunDeps(settings: Record<string, string>): Promise<DryRunDeps> {
  const { sandbox: sandboxSalesforce, env: salesforceEnv } = salesforceSettings(settings);
  const sandboxZendesk = !has(settings, 'ZENDESK_API_TOKEN');
  const zendeskEnv = sandboxZendesk
    ? {
        ...settings,
        ZENDESK_API_URL: `http://127.0.0.1:${settings.SANDBOX_ZENDESK_PORT ?? 4103}/api/v2`,
        ZENDESK_EMAIL: defaultZendeskConfig.credentials.email,
        ZENDESK_API_TOKEN: defaultZendeskConfig.credentials.apiToken,
      }
    : settings;
  const salesforceConfig = await loadSalesforceConfig(ssmParameterReader, salesforceEnv);
  const organizationId =
    settings.SALESFORCE_ORGANIZATION_ID ?? (sandboxSalesforce ? defaultSalesforceConfig.orgId : undefined);
  return {
    salesforce: new SalesforceClient(salesforceConfig),
    zendesk: async () => new ZendeskClient(await loadZendeskConfig(ssmParameterReader, zendeskEnv)),
    zendeskApiUrl: zendeskEnv.ZENDESK_API_URL,
    mapping: loadCaseMapping(settings),
    unmatchedPolicy: settings.UNMATCHED_REQUESTER_POLICY === 'email' ? 'email' : 'skip',
    organizationId: organizationId === undefined ? undefined : OrganizationId.parse(organizationId),
    outboundMapping: settings.OUTBOUND_MAPPING
      ? parseOutboundMappingJson(settings.OUTBOUND_MAPPING, 'OUTBOUND_MAPPING')
      : parseOutboundMapping(defaultMapping, 'config/outbound-mapping.json'),
    sources: [
      `Salesforce ${salesforceConfig.loginUrl}${sandboxSalesforce ? ' (sandbox)' : ''}`,
      `Zendesk ${zendeskEnv.ZENDESK_API_URL ?? '(not configured)'}${sandboxZendesk ? ' (sandbox)' : ''}`,
    ],
  };
}

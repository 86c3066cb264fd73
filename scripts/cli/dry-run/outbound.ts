/** The dry run of `POST /webhooks/salesforce/{token}`: the Mixpanel writes of a Salesforce Outbound Message. */
import type { SalesforceGateway } from '../../../lib/clients/salesforce/gateway.js';
import { ConfigError } from '../../../lib/config.js';
import { DEFAULT_ACCOUNT_USERS_TTL_SECONDS, usersOfAccounts } from '../../../lib/outbound/account-users.js';
import { userEvents, userProfileUpdates } from '../../../lib/outbound/fanout.js';
import { acceptOutboundMessage } from '../../../lib/outbound/ingress.js';
import { versionOf } from '../../../lib/outbound/intents.js';
import type { OutboundMapping } from '../../../lib/outbound/mapping.js';
import { SOAP_ACK } from '../../../lib/outbound/soap.js';
import { EMPTY_STATE, emptyPlan, type DryRunPlan } from './plan.js';

export interface OutboundPlanDeps {
  salesforce: Pick<SalesforceGateway, 'queryWhereIn'>;
  /** The org the hub serves (`SALESFORCE_ORGANIZATION_ID`). */
  organizationId: string | undefined;
  outboundMapping: OutboundMapping;
}

/** The path token is the request's, not the payload's: the dry run presents the one it expects. */
const TOKEN = 'dry-run';

/**
 * Plans what the webhook and the salesforceWriter's fan-out do with one SOAP body (sent as
 * `text/xml`); throws the webhook's refusal, which Salesforce would see as a SOAP fault.
 */
export async function planOutbound(xml: string, deps: OutboundPlanDeps): Promise<DryRunPlan> {
  if (!deps.organizationId)
    throw new ConfigError('SALESFORCE_ORGANIZATION_ID is not set: the org whose outbound messages the hub takes');
  const accepted = acceptOutboundMessage(
    { token: TOKEN, contentType: 'text/xml', body: xml },
    { token: TOKEN, organizationId: deps.organizationId, mapping: deps.outboundMapping },
  );
  const plan = emptyPlan('outbound', { status: 200, body: SOAP_ACK });
  for (const { intent } of accepted.mixpanel) {
    if (intent.type === 'mixpanel.event') plan.mixpanel.events.push(intent.event);
    else if (intent.type === 'mixpanel.profile')
      plan.mixpanel.profiles.push({ ...intent.update, version: intent.version });
    else plan.mixpanel.groups.push({ ...intent.update, version: intent.version });
  }
  if (accepted.fanOut.length > 0) {
    const accountIds = [...new Set(accepted.fanOut.map((intent) => intent.accountId))];
    // TTL 0: the account-users cache is neither read nor written; Salesforce answers.
    const users = await usersOfAccounts(accountIds, { salesforce: deps.salesforce, state: EMPTY_STATE, ttlSeconds: 0 });
    plan.reads.push(`Salesforce: Contact by AccountId (${accountIds.length} account)`);
    for (const intent of accepted.fanOut) {
      const userIds = users.get(intent.accountId) ?? [];
      if (userIds.length === 0)
        plan.notes.push(
          `Notification ${intent.source.notificationId} (rule ${intent.source.ruleId}): account ` +
            `${intent.accountId} has no app users, nothing is sent.`,
        );
      plan.mixpanel.events.push(...userEvents(intent, userIds));
      const version = versionOf(intent.source);
      plan.mixpanel.profiles.push(...userProfileUpdates(intent, userIds).map((update) => ({ ...update, version })));
    }
    plan.notes.push(
      `The salesforceWriter reads an account's users from its cache when it holds them (up to ` +
        `ACCOUNT_USERS_TTL_SECONDS, default ${DEFAULT_ACCOUNT_USERS_TTL_SECONDS} s old); ` +
        'this plan read them from Salesforce.',
    );
  }
  if (plan.mixpanel.profiles.length + plan.mixpanel.groups.length > 0)
    plan.notes.push(
      'A profile or group update older than the last one applied from its record (by version) ' +
        'is refused by the sender.',
    );
  for (const skipped of accepted.skipped)
    plan.notes.push(`Notification ${skipped.notificationId} (rule ${skipped.ruleId}): skipped, ${skipped.reason}.`);
  if (accepted.unmatched > 0)
    plan.notes.push(
      `${accepted.unmatched} of ${accepted.notifications} notification(s) match no rule: acked, no write.`,
    );
  return plan;
}

/** The dry run of `POST /webhooks/zendesk`: the Case upsert and the timeline events of one ticket change. */
import type { SalesforceGateway } from '../../../lib/clients/salesforce/gateway.js';
import type { ZendeskGateway } from '../../../lib/clients/zendesk/gateway.js';
import type { CaseMapping } from '../../../lib/tickets/case-mapping.js';
import {
  CASE_TARGET,
  caseRecord,
  emailsToLookUp,
  groupByTicket,
  groupEvents,
  timelineOf,
  VERSION_FIELD,
  type UnmatchedPolicy,
} from '../../../lib/tickets/case-plan.js';
import { ContactDirectory } from '../../../lib/tickets/contacts.js';
import { parseZendeskWebhook } from '../../../lib/tickets/ingress.js';
import { needsRequesterLookup } from '../../../lib/tickets/intents.js';
import { requesterIds, withRequester } from '../../../lib/tickets/resolve.js';
import { assignedId, EMPTY_STATE, emptyPlan, type DryRunPlan } from './plan.js';

export interface TicketPlanDeps {
  salesforce: Pick<SalesforceGateway, 'queryWhereIn'>;
  /** Built only when the requester must be read from Zendesk. */
  zendesk: () => Promise<Pick<ZendeskGateway, 'usersByIds'>>;
  zendeskApiUrl: string | undefined;
  mapping: CaseMapping;
  unmatchedPolicy: UnmatchedPolicy;
}

/** A Salesforce date-time (`…+0000`) or an ISO one, in epoch ms. */
const epochMs = (value: unknown): number => Date.parse(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));

/**
 * Plans what the webhook, the zendeskReader and the salesforceWriter do with one body; throws the
 * webhook's refusal.
 */
export async function planTicket(body: unknown, deps: TicketPlanDeps): Promise<DryRunPlan> {
  const parsed = parseZendeskWebhook(body, deps.zendeskApiUrl);
  if ('ignored' in parsed) {
    const plan = emptyPlan('zendesk', { status: 202, body: { accepted: 0, ignored: parsed.ignored } });
    plan.notes.push(`Ignored: ${parsed.ignored}`);
    return plan;
  }
  const plan = emptyPlan('zendesk', { status: 202, body: { accepted: 1, ticketId: parsed.change.ticketId } });
  let change = parsed.change;
  if (needsRequesterLookup(change)) {
    const ids = requesterIds([change]);
    const users = await (await deps.zendesk()).usersByIds(ids);
    plan.reads.push(`Zendesk: users/show_many (${ids.length} user)`);
    change = withRequester(change, users);
  }
  const [group] = groupByTicket([change]);
  if (!group) return plan;
  const emails = emailsToLookUp([group]);
  // TTL 0: the Contact cache is neither read nor written; Salesforce answers.
  const contacts = await new ContactDirectory({
    salesforce: deps.salesforce,
    state: EMPTY_STATE,
    ttlSeconds: 0,
  }).byEmail(emails);
  if (emails.length > 0) plan.reads.push(`Salesforce: Contact by Email (${emails.length})`);

  const [existing] = await deps.salesforce.queryWhereIn<{ Id: string } & Record<string, unknown>>(
    CASE_TARGET.object,
    ['Id', VERSION_FIELD],
    CASE_TARGET.externalIdField,
    [change.ticketId],
  );
  plan.reads.push(`Salesforce: Case by ${CASE_TARGET.externalIdField} (1)`);
  const record = caseRecord(group, contacts, deps.mapping, true);
  const stale = existing !== undefined && epochMs(existing[VERSION_FIELD]) > Date.parse(change.updatedAt);
  plan.salesforce.push({
    operation: 'upsert',
    ...CASE_TARGET,
    externalId: change.ticketId,
    record,
    existingId: existing?.Id ?? null,
    outcome: !existing
      ? 'creates the Case'
      : stale
        ? `refused by the Case's Zendesk_Stale_Update rule: Case ${existing.Id} holds a newer update (counted as done)`
        : `updates Case ${existing.Id}`,
  });
  if (record.Contact || record.Account)
    plan.notes.push(
      'The Case links its Contact and Account by external id; if either does not exist, it is written without links.',
    );

  const { appUserId, distinctId } = timelineOf(group, contacts, deps.unmatchedPolicy);
  if (!appUserId)
    plan.notes.push(
      distinctId
        ? 'The requester matches no app user: its events go on the email (UNMATCHED_REQUESTER_POLICY=email).'
        : 'The requester matches no app user: no Mixpanel event (UNMATCHED_REQUESTER_POLICY=skip).',
    );
  if (!distinctId) return plan;
  const caseId = existing?.Id ?? assignedId(`Case of ticket ${change.ticketId}`);
  for (const intent of groupEvents(group, distinctId, caseId)) {
    if (intent.type !== 'mixpanel.event') continue;
    if (!existing)
      plan.processingTime.push({
        path: `mixpanel.events[${plan.mixpanel.events.length}].properties.salesforce_case_id`,
        value: 'salesforce[0].Id',
      });
    plan.mixpanel.events.push(intent.event);
  }
  return plan;
}

/** What `switchboard forget` prints: a short text for people, or JSON for scripts (`--json`). */
import type { DeletionTask, ForgetOutcome } from '../../lib/privacy/forget.js';

/** Said with every request, so that no one expects Salesforce to have changed. */
export const SALESFORCE_KEPT =
  'Salesforce is not touched: it is the system of record, and Terms_Acceptance__c records are kept ' +
  'as the legal record of the terms each person accepted.';

const listed = (ids: readonly string[]): string =>
  ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} … and ${ids.length - 5} more`;

export function forgetText(outcome: ForgetOutcome, mixpanel: string): string {
  const deleted = outcome.distinctIds.length - outcome.profileFailures.length;
  return [
    `Mixpanel (${mixpanel}): ${outcome.complianceType} deletion filed for ${outcome.distinctIds.length} user(s): ` +
      listed(outcome.distinctIds),
    `  tracking id: ${outcome.trackingId}`,
    `  profiles:    ${deleted} deleted now (/engage $delete)` +
      (outcome.profileFailures.length > 0 ? `; ${outcome.profileFailures.length} refused:` : ''),
    ...outcome.profileFailures.map((failure) => `    ${failure.distinctId}: ${failure.error}`),
    '  events:      deleted when the task completes (Mixpanel takes up to several weeks)',
    `  follow it:   switchboard forget status ${outcome.trackingId}`,
    SALESFORCE_KEPT,
    '',
  ].join('\n');
}

export function forgetJson(outcome: ForgetOutcome, mixpanel: string): string {
  const failed = new Set(outcome.profileFailures.map((failure) => failure.distinctId));
  return `${JSON.stringify(
    {
      mixpanel,
      trackingId: outcome.trackingId,
      complianceType: outcome.complianceType,
      distinctIds: outcome.distinctIds,
      profilesDeleted: outcome.distinctIds.filter((id) => !failed.has(id)),
      profileFailures: outcome.profileFailures,
      salesforce: { touched: false, reason: SALESFORCE_KEPT },
    },
    null,
    2,
  )}\n`;
}

export function statusText(task: DeletionTask): string {
  const meaning: Record<string, string> = {
    SUCCESS: 'done: the events and profiles are deleted',
    FAILURE: 'failed: file the request again or contact Mixpanel support',
    REVOKED: 'cancelled',
    NOT_FOUND: 'Mixpanel found none of these ids',
  };
  return [
    `Deletion task ${task.trackingId}: ${task.status} (${meaning[task.status] ?? 'in progress'})`,
    `  ${task.complianceType || 'compliance type not given'}, requested ${task.requestedAt ?? '(not given)'}, ` +
      `${task.distinctIds.length} user(s): ${listed(task.distinctIds)}`,
    '',
  ].join('\n');
}

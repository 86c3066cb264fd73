/**
 * Data-subject deletion ("right to be forgotten") in Mixpanel: a GDPR/CCPA deletion task for the
 * people's events, and an `/engage` `$delete` so their profiles are gone now rather than when the
 * task completes (days to weeks). Salesforce is not touched: it is the system of record, and its
 * Terms_Acceptance__c records are the legal evidence of what each person accepted.
 */
import type { MixpanelGateway } from '../clients/mixpanel/client.js';
import {
  FINISHED_DELETION_STATUSES,
  MAX_DELETION_IDS,
  type ComplianceType,
  type DeletionTask,
  type MixpanelGdprClient,
} from '../clients/mixpanel/gdpr.js';

export { MAX_DELETION_IDS, type ComplianceType, type DeletionTask };

/** What one `forget` did: the task to follow, and any profile Mixpanel refused to delete. */
export interface ForgetOutcome {
  distinctIds: string[];
  complianceType: ComplianceType;
  trackingId: string;
  /** The profiles whose `$delete` failed, with why; the deletion task still covers them. */
  profileFailures: Array<{ distinctId: string; error: string }>;
}

export interface ForgetDependencies {
  profiles: Pick<MixpanelGateway, 'updateProfiles'>;
  gdpr: Pick<MixpanelGdprClient, 'requestDeletion'>;
}

/**
 * Files the deletion task first, so that nothing is deleted unless the request that removes the
 * events was accepted; then deletes the profiles. The `$delete` carries no `$ignore_alias`: an id
 * that is an alias deletes the profile it stands for, which is the same person's.
 */
export async function forgetUsers(
  { profiles, gdpr }: ForgetDependencies,
  distinctIds: readonly string[],
  complianceType: ComplianceType,
): Promise<ForgetOutcome> {
  const ids = [...new Set(distinctIds)];
  const trackingId = await gdpr.requestDeletion(ids, complianceType);
  const results = await profiles.updateProfiles(
    ids.map((distinctId) => ({ distinctId, operation: '$delete', values: {} })),
  );
  const profileFailures = ids.flatMap((distinctId, index) => {
    const error = results[index];
    return error ? [{ distinctId, error: error.message }] : [];
  });
  return { distinctIds: ids, complianceType, trackingId, profileFailures };
}

/** Whether a task has reached a state it will not leave. */
export function isFinished(task: DeletionTask): boolean {
  return (FINISHED_DELETION_STATUSES as readonly string[]).includes(task.status);
}

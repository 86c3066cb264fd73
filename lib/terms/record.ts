import { packMixpanelIntents } from '../clients/mixpanel/intents.js';
import type { QueueGateway } from '../clients/queue-gateway.js';
import type { SalesforceGateway, UpsertOutcome } from '../clients/salesforce/gateway.js';
import { outcomesByPosition, rewriteWithoutMissingParents } from '../clients/salesforce/record-outcomes.js';
import { PermanentError } from '../errors.js';
import type { ItemResult } from '../sqs/batch-collector.js';
import type { TermsAcceptance } from './acceptance.js';
import { evidenceHash, evidenceOf, evidenceRecordFields } from './evidence-hash.js';
import { termsIntents } from './events.js';

export interface RecordTermsDeps {
  salesforce: SalesforceGateway;
  queue: QueueGateway;
  mixpanelQueueUrl: string;
}

/** The evidence object: insert-only, unique on `Acceptance_Id__c`. */
export const TERMS_OBJECT = 'Terms_Acceptance__c';
const OBJECT = TERMS_OBJECT;

interface Pending {
  acceptance: TermsAcceptance;
  hash: string;
  positions: number[];
}

/**
 * Records acceptances as insert-only evidence — one collections create per 200, never an update —
 * then enqueues their Mixpanel event and profile update with the record id, packed. An acceptance
 * already recorded with the same evidence is a no-op (a retry); one recorded with different
 * evidence is refused and dead-lettered, and the stored record is left as it is.
 */
export async function recordAcceptances(
  acceptances: readonly TermsAcceptance[],
  deps: RecordTermsDeps,
): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array<ItemResult>(acceptances.length).fill(undefined);
  const pending = new Map<string, Pending>();
  acceptances.forEach((acceptance, position) => {
    const hash = evidenceHash(evidenceOf(acceptance));
    const seen = pending.get(acceptance.acceptance_id);
    if (!seen) pending.set(acceptance.acceptance_id, { acceptance, hash, positions: [position] });
    else if (seen.hash === hash) seen.positions.push(position);
    else results[position] = conflict(acceptance.acceptance_id, 'an earlier message of this batch');
  });
  const items = [...pending.values()];

  const outcomes: Array<UpsertOutcome | undefined> = await deps.salesforce.insert(
    OBJECT,
    items.map((item) => acceptanceRecord(item.acceptance, true)),
  );
  await rewriteWithoutMissingParents(items, outcomes, (unlinked) =>
    deps.salesforce.insert(
      OBJECT,
      unlinked.map((item) => acceptanceRecord(item.acceptance, false)),
    ),
  );
  await resolveDuplicates(items, outcomes, deps.salesforce);

  const recorded = items.flatMap((item, i) => {
    const outcome = outcomes[i];
    return outcome && !(outcome instanceof Error) ? termsIntents(item.acceptance, outcome.id) : [];
  });
  // Packed: a batch's events and profile updates travel as a few messages, not one each.
  if (recorded.length > 0)
    await deps.queue.send(deps.mixpanelQueueUrl, packMixpanelIntents(recorded, { source: 'app' }));

  outcomesByPosition(
    results,
    items.map((item) => ({ positions: item.positions, key: `acceptance ${item.acceptance.acceptance_id}` })),
    outcomes,
  );
  return results;
}

/**
 * The record an acceptance is inserted as; `withLinks` false is the retry without the Contact and
 * Account links when a linked parent does not exist.
 */
export function acceptanceRecord(acceptance: TermsAcceptance, withLinks: boolean): Record<string, unknown> {
  const record = evidenceRecordFields(acceptance);
  if (withLinks) {
    record.Contact__r = { App_User_Id__c: acceptance.user_id };
    record.Account__r = { App_Account_Id__c: acceptance.account_id };
  }
  return record;
}

/** Duplicates of the unique Acceptance_Id__c: a retry when the stored evidence hash is the same. */
async function resolveDuplicates(
  items: Pending[],
  outcomes: Array<UpsertOutcome | undefined>,
  salesforce: SalesforceGateway,
): Promise<void> {
  const duplicates = items.flatMap((item, i) => {
    const outcome = outcomes[i];
    return outcome instanceof PermanentError && outcome.code === 'DUPLICATE_VALUE' ? [{ item, i }] : [];
  });
  if (duplicates.length === 0) return;
  const ids = duplicates.map(({ item }) => item.acceptance.acceptance_id);
  const stored = await salesforce.queryWhereIn<{
    Id: string;
    Acceptance_Id__c: string;
    Evidence_Hash__c: string | null;
  }>(OBJECT, ['Id', 'Acceptance_Id__c', 'Evidence_Hash__c'], 'Acceptance_Id__c', ids);
  const byId = new Map(stored.map((record) => [record.Acceptance_Id__c, record]));
  for (const { item, i } of duplicates) {
    const existing = byId.get(item.acceptance.acceptance_id);
    if (existing && existing.Evidence_Hash__c === item.hash) outcomes[i] = { id: existing.Id, created: false };
    else if (existing) outcomes[i] = conflict(item.acceptance.acceptance_id, `record ${existing.Id}`);
  }
}

function conflict(acceptanceId: string, where: string): PermanentError {
  return new PermanentError(
    `Acceptance ${acceptanceId} is already recorded in ${where} with different evidence; the recorded evidence is kept`,
    { code: 'EVIDENCE_CONFLICT' },
  );
}

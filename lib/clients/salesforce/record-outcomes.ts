import { RetryableError } from '../../errors.js';
import type { UpsertOutcome } from './gateway.js';

/** Salesforce's answer to a lookup set through an external id that no parent record has. */
export function isMissingParent(outcome: UpsertOutcome | undefined): boolean {
  return outcome instanceof Error && /Foreign key external ID/i.test(outcome.message);
}

/**
 * Writes again, without their lookups, the items whose lookup named a parent the org does not
 * have yet (an app user with no Contact, an account with no Account): the record is kept,
 * unlinked, rather than lost. Replaces those outcomes in place; costs a call only when needed.
 */
export async function rewriteWithoutMissingParents<T>(
  items: readonly T[],
  outcomes: Array<UpsertOutcome | undefined>,
  writeUnlinked: (items: T[]) => Promise<UpsertOutcome[]>,
): Promise<void> {
  const unlinked = items.filter((_, i) => isMissingParent(outcomes[i]));
  if (unlinked.length === 0) return;
  const positions = items.flatMap((_, i) => (isMissingParent(outcomes[i]) ? [i] : []));
  const retried = await writeUnlinked(unlinked);
  positions.forEach((i, j) => (outcomes[i] = retried[j]));
}

/**
 * Puts each record's outcome back on every message it was written for (several messages of one
 * ticket or acceptance share one record): success, its error, or a retryable error if the
 * record somehow got no outcome.
 */
export function outcomesByPosition(
  results: Array<Error | undefined>,
  groups: ReadonlyArray<{ positions: readonly number[]; key: string }>,
  outcomes: ReadonlyArray<UpsertOutcome | undefined>,
): void {
  groups.forEach((group, i) => {
    const outcome = outcomes[i];
    const result =
      outcome === undefined
        ? new RetryableError(`No Salesforce outcome for ${group.key}`)
        : outcome instanceof Error
          ? outcome
          : undefined;
    for (const position of group.positions) results[position] = result;
  });
}

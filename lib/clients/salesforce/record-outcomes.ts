import { PermanentError, RetryableError } from '../../errors.js';
import type { SalesforceGateway, UpsertOutcome } from './gateway.js';

/**
 * Starts the errorMessage of the validation rules that refuse a write carrying an older source
 * version than the record holds (`salesforce/force-app/main/default/objects/Case/validationRules`).
 */
export const STALE_UPDATE_MARKER = 'SWITCHBOARD_STALE_UPDATE';
/** The PermanentError code of a write refused because the record already holds a newer version. */
const STALE_UPDATE = 'STALE_UPDATE';

/** A SaveResult (create) or UpsertResult (upsert, with `created`) of a collection call. */
export interface SaveResult {
  id?: string | null;
  success: boolean;
  created?: boolean;
  errors?: Array<{ statusCode: string; message: string; fields?: string[] }>;
}

/**
 * Maps one SaveResult/UpsertResult: `UNABLE_TO_LOCK_ROW` is worth retrying, any other record error
 * is not. The PermanentError keeps Salesforce's own text, e.g. `DUPLICATE_VALUE: duplicate value
 * found: Acceptance_Id__c duplicates value on record with id: a01…` (the 15-character id of the
 * record that holds the value, or `<unknown>` when Salesforce cannot name it).
 */
export function saveResultOutcome(result: SaveResult | undefined, createdByDefault: boolean): UpsertOutcome {
  if (!result) return new RetryableError('Salesforce returned no result for this record');
  if (result.success && result.id) return { id: result.id, created: result.created ?? createdByDefault };
  const errors = result.errors ?? [];
  const describe = errors
    .map((e) => `${e.statusCode}: ${e.message}${e.fields?.length ? ` [${e.fields.join(', ')}]` : ''}`)
    .join('; ');
  if (errors.some((e) => e.statusCode === 'UNABLE_TO_LOCK_ROW'))
    return new RetryableError(`Salesforce could not lock the record: ${describe}`);
  // A validation rule's error is {statusCode: FIELD_CUSTOM_VALIDATION_EXCEPTION, message: its errorMessage, fields}.
  const stale = (e: { statusCode: string; message: string }) =>
    e.statusCode === 'FIELD_CUSTOM_VALIDATION_EXCEPTION' && e.message.startsWith(STALE_UPDATE_MARKER);
  if (errors.length > 0 && errors.every(stale))
    return new PermanentError(`Salesforce holds a newer version of the record: ${describe}`, { code: STALE_UPDATE });
  return new PermanentError(`Salesforce rejected the record: ${describe || 'no reason given'}`, {
    code: errors[0]?.statusCode ?? 'SALESFORCE_REJECTED',
  });
}

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

/** Whether the write was refused only because the record already holds a newer source version. */
export function isStaleWrite(outcome: UpsertOutcome | undefined): boolean {
  return outcome instanceof PermanentError && outcome.code === STALE_UPDATE;
}

/**
 * Turns the stale writes among `outcomes` into successes that carry the id of the record holding
 * the newer version: a failed UpsertResult has no id ("If there was an error, the field is null",
 * api sforce_api_calls_upsert_upsertresult), so the ids come from one `IN` query for all of them
 * (≤ 200 keys per query), and none when nothing was stale. If that query fails, those items get
 * its error; one whose record it does not find gets a retryable error; the other items keep their
 * outcomes. Returns the stale positions.
 */
export async function settleStaleWrites(
  salesforce: Pick<SalesforceGateway, 'queryWhereIn'>,
  target: { object: string; externalIdField: string },
  keys: readonly string[],
  outcomes: Array<UpsertOutcome | undefined>,
): Promise<number[]> {
  const positions = keys.flatMap((_, i) => (isStaleWrite(outcomes[i]) ? [i] : []));
  if (positions.length === 0) return [];
  const { object, externalIdField } = target;
  let ids: Map<string, string>;
  try {
    const rows = await salesforce.queryWhereIn<Record<string, unknown>>(
      object,
      ['Id', externalIdField],
      externalIdField,
      positions.map((i) => keys[i] ?? ''),
    );
    // External ids match case-insensitively unless the field is case-sensitive.
    ids = new Map(rows.map((row) => [String(row[externalIdField]).toLowerCase(), String(row.Id)]));
  } catch (error) {
    const failure = error instanceof Error ? error : new RetryableError(String(error));
    for (const i of positions) outcomes[i] = failure;
    return positions;
  }
  for (const i of positions) {
    const key = keys[i] ?? '';
    const id = ids.get(key.toLowerCase());
    outcomes[i] = id
      ? { id, created: false }
      : new RetryableError(`No ${object} holds ${externalIdField} ${key} although Salesforce refused it as stale`);
  }
  return positions;
}

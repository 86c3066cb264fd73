/** One upserted or inserted record: its Salesforce id and whether it was created, or why it failed. */
export type UpsertOutcome = { id: string; created: boolean } | Error; // Error = RetryableError | PermanentError

/** API requests spent in the org's rolling 24 h, and the allocation, as `Sforce-Limit-Info` reports them. */
export interface ApiUsage {
  used: number;
  max: number;
}

/** What the hub asks of Salesforce. Handlers get a fake of it; the adapter is `SalesforceClient`. */
export interface SalesforceGateway {
  /**
   * Upserts by external id in sObject Collections of ≤ 200 (allOrNone false); one outcome per record, input
   * order.
   */
  upsert(
    object: string,
    externalIdField: string,
    records: ReadonlyArray<Record<string, unknown>>,
  ): Promise<UpsertOutcome[]>;
  /**
   * Creates records (never updates) in sObject Collections of ≤ 200 (allOrNone false); one outcome
   * per record, input order: `{ id, created: true }` or the classified error. A value already held
   * by a unique field (e.g. an external id) fails that record only, as a PermanentError with code
   * `DUPLICATE_VALUE` whose message keeps Salesforce's text naming the field and the existing record.
   */
  insert(object: string, records: ReadonlyArray<Record<string, unknown>>): Promise<UpsertOutcome[]>;
  /**
   * SELECT fields FROM object WHERE field IN (values), all pages; literals escaped. Each query holds
   * ≤ 200 values and stays within the URI length Salesforce accepts, however long the values. A
   * value that cannot be sent (not valid Unicode, or too long for any query) is left out: no field
   * SOQL can filter on holds it, so it matches nothing, and the other values are still looked up.
   */
  queryWhereIn<T extends Record<string, unknown>>(
    object: string,
    fields: readonly string[],
    field: string,
    values: readonly string[],
  ): Promise<T[]>;
  /** Latest API usage seen in `Sforce-Limit-Info` (undefined before the first call). */
  apiUsage(): ApiUsage | undefined;
}

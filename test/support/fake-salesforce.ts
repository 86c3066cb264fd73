import type { ApiUsage, SalesforceGateway, UpsertOutcome } from '../../lib/clients/salesforce/gateway.js';
import { saveResultOutcome, STALE_UPDATE_MARKER } from '../../lib/clients/salesforce/record-outcomes.js';
import { PermanentError } from '../../lib/errors.js';

/** Lookups the fake resolves through an external id, by relationship name (standard and custom). */
const PARENTS: Record<string, { entity: string; field: string; known: (fake: FakeSalesforce) => ReadonlySet<string> }> =
  {
    Contact: { entity: 'Contact', field: 'App_User_Id__c', known: (fake) => fake.knownAppUsers },
    Contact__r: { entity: 'Contact', field: 'App_User_Id__c', known: (fake) => fake.knownAppUsers },
    Account: { entity: 'Account', field: 'App_Account_Id__c', known: (fake) => fake.knownAppAccounts },
    Account__r: { entity: 'Account', field: 'App_Account_Id__c', known: (fake) => fake.knownAppAccounts },
  };

/** A Salesforce that records what it is asked, upserts by external id and inserts in memory. */
export class FakeSalesforce implements SalesforceGateway {
  readonly upserts: Array<{ object: string; field: string; records: Array<Record<string, unknown>> }> = [];
  readonly inserts: Array<{ object: string; records: Array<Record<string, unknown>> }> = [];
  readonly queries: Array<{ object: string; field: string; values: string[] }> = [];
  /** Upserted records by `object:externalId`, inserted ones by `object:Id`. */
  readonly stored = new Map<string, Record<string, unknown>>();
  contacts: Array<Record<string, unknown>> = [];
  /** App user ids that have a Contact; a link to any other fails like Salesforce's foreign-key error. */
  knownAppUsers = new Set<string>();
  /** App account ids that have an Account; a link to any other fails the same way. */
  knownAppAccounts = new Set<string>();
  /** Fields whose value may be held by one record only, per object (as `<unique>true</unique>` in the metadata). */
  uniqueFields: Record<string, string[]> = { Terms_Acceptance__c: ['Acceptance_Id__c'] };
  /**
   * The field holding the source's version, per object: an update carrying an older version is
   * refused as the metadata's validation rule refuses it (Case: Zendesk_Stale_Update).
   */
  versionFields: Record<string, string> = { Case: 'Zendesk_Updated_At__c' };
  private nextId = 1;

  async upsert(
    object: string,
    field: string,
    records: ReadonlyArray<Record<string, unknown>>,
  ): Promise<UpsertOutcome[]> {
    this.upserts.push({ object, field, records: records.map((record) => ({ ...record })) });
    return records.map((record) => {
      const missing = this.missingParent(record, ['Contact']);
      if (missing) return missing;
      const key = `${object}:${String(record[field])}`;
      const existing = this.stored.get(key);
      const stale = this.staleVersion(object, record, existing);
      if (stale) return stale;
      const id = (existing?.Id as string | undefined) ?? this.newId('500');
      this.stored.set(key, { ...existing, ...record, Id: id });
      return { id, created: !existing };
    });
  }

  async insert(object: string, records: ReadonlyArray<Record<string, unknown>>): Promise<UpsertOutcome[]> {
    this.inserts.push({ object, records: records.map((record) => ({ ...record })) });
    return records.map((record) => {
      const missing = this.missingParent(record, Object.keys(PARENTS));
      if (missing) return missing;
      for (const field of this.uniqueFields[object] ?? []) {
        const value = record[field];
        if (value === undefined || value === null || value === '') continue;
        const holder = this.recordsOf(object).find((stored) => stored[field] === value);
        if (holder) {
          return new PermanentError(
            'Salesforce rejected the record: DUPLICATE_VALUE: ' +
              `duplicate value found: ${field} duplicates value on record with id: ${String(holder.Id).slice(0, 15)}`,
            { code: 'DUPLICATE_VALUE' },
          );
        }
      }
      const id = this.newId('a01');
      this.stored.set(`${object}:${id}`, { ...record, Id: id });
      return { id, created: true };
    });
  }

  /** Contacts come from `contacts`; any other object from the records upserted or inserted here. */
  async queryWhereIn<T extends Record<string, unknown>>(
    object: string,
    fields: readonly string[],
    field: string,
    values: readonly string[],
  ): Promise<T[]> {
    this.queries.push({ object, field, values: [...values] });
    if (object !== 'Contact') {
      const wanted = new Set(values);
      return this.recordsOf(object).filter((record) => wanted.has(String(record[field]))) as T[];
    }
    const wanted = new Set(values.map((value) => value.toLowerCase()));
    return this.contacts.filter((contact) => wanted.has(String(contact[field]).toLowerCase())) as T[];
  }

  apiUsage(): ApiUsage | undefined {
    return undefined;
  }

  /** Stored records of one object, upserted or inserted. */
  recordsOf(object: string): Array<Record<string, unknown>> {
    return [...this.stored.entries()].filter(([key]) => key.startsWith(`${object}:`)).map(([, record]) => record);
  }

  private missingParent(record: Record<string, unknown>, relationships: readonly string[]): PermanentError | undefined {
    for (const relationship of relationships) {
      const parent = PARENTS[relationship];
      const value = (record[relationship] as Record<string, unknown> | null | undefined)?.[parent?.field ?? ''];
      if (!parent || value === undefined || value === null || value === '') continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (!parent.known(this).has(text)) {
        return new PermanentError(
          `Foreign key external ID: ${text} not found for field ${parent.field} in entity ${parent.entity}`,
          { code: 'INVALID_FIELD' },
        );
      }
    }
    return undefined;
  }

  private staleVersion(
    object: string,
    record: Record<string, unknown>,
    existing: Record<string, unknown> | undefined,
  ): UpsertOutcome | undefined {
    const field = this.versionFields[object];
    const [incoming, stored] = [record[field ?? ''], existing?.[field ?? '']];
    if (!field || typeof incoming !== 'string' || typeof stored !== 'string') return undefined;
    if (Date.parse(incoming) >= Date.parse(stored)) return undefined;
    return saveResultOutcome(
      {
        success: false,
        errors: [
          {
            statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
            message: `${STALE_UPDATE_MARKER}: this Zendesk ticket state is older than the Case's.`,
            fields: [field],
          },
        ],
      },
      false,
    );
  }

  private newId(prefix: string): string {
    return `${prefix}FAKE${String(this.nextId++).padStart(11, '0')}`;
  }
}

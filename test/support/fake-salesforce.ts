import type { ApiUsage, SalesforceGateway, UpsertOutcome } from '../../lib/clients/salesforce/gateway.js';
import { PermanentError } from '../../lib/errors.js';

/** A Salesforce that records what it is asked and upserts by external id in memory. */
export class FakeSalesforce implements SalesforceGateway {
  readonly upserts: Array<{ object: string; field: string; records: Array<Record<string, unknown>> }> = [];
  readonly queries: Array<{ object: string; field: string; values: string[] }> = [];
  readonly stored = new Map<string, Record<string, unknown>>();
  contacts: Array<Record<string, unknown>> = [];
  /** App user ids that have a Contact; a link to any other fails like Salesforce's foreign-key error. */
  knownAppUsers = new Set<string>();
  private nextId = 1;

  async upsert(object: string, field: string, records: ReadonlyArray<Record<string, unknown>>): Promise<UpsertOutcome[]> {
    this.upserts.push({ object, field, records: records.map((record) => ({ ...record })) });
    return records.map((record) => {
      const appUser = (record.Contact as { App_User_Id__c?: string } | undefined)?.App_User_Id__c;
      if (appUser && !this.knownAppUsers.has(appUser)) {
        return new PermanentError(`Foreign key external ID: ${appUser} not found for field App_User_Id__c in entity Contact`, { code: 'INVALID_FIELD' });
      }
      const key = `${object}:${String(record[field])}`;
      const existing = this.stored.get(key);
      const id = (existing?.Id as string | undefined) ?? `500FAKE${String(this.nextId++).padStart(11, '0')}`;
      this.stored.set(key, { ...existing, ...record, Id: id });
      return { id, created: !existing };
    });
  }

  async queryWhereIn<T extends Record<string, unknown>>(object: string, fields: readonly string[], field: string, values: readonly string[]): Promise<T[]> {
    this.queries.push({ object, field, values: [...values] });
    const wanted = new Set(values.map((value) => value.toLowerCase()));
    return this.contacts.filter((contact) => wanted.has(String(contact[field]).toLowerCase())) as T[];
  }

  apiUsage(): ApiUsage | undefined {
    return undefined;
  }
}

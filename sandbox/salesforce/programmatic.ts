import type { LatencyOption } from '../common/faults.js';
import type { SaveResult } from './dml.js';
import type { SalesforceOrg } from './org.js';
import type { OutboundDeliveryView } from './outbound/messenger.js';
import type { ObjectDef } from './schema.js';
import type { Value } from './store.js';

/** A record as the programmatic accessors hand it out: field API name → value, `Id` included. */
export type RecordView = Record<string, Value>;

/** What `seedAccountsWithContacts` created, with the app-side ids the hub uses. */
export interface SeededAccounts {
  accounts: Array<{ id: string; appAccountId: string; name: string }>;
  contacts: Array<{ id: string; appUserId: string; email: string; accountId: string }>;
}

/** Typed access to the emulated org for tests, benches and `npm start` (no API budget spent). */
export interface SalesforceAccessors {
  /** Creates a record (validated like the API) and returns its id; throws with the Salesforce error. */
  insert(object: string, fields: Record<string, unknown>): string;
  insertMany(object: string, rows: Array<Record<string, unknown>>): string[];
  /**
   * `accounts` Accounts (`acc_000001`…) with `contactsPerAccount` Contacts each
   * (`u_000001`, `user000001@example.com`…).
   */
  seedAccountsWithContacts(options: { accounts: number; contactsPerAccount: number }): SeededAccounts;
  /** Live records of an object in creation order. */
  records(object: string): RecordView[];
  findByExternalId(object: string, field: string, value: string): RecordView | undefined;
  getRecord(id: string): RecordView | undefined;
  /** Edits a record as a person in the org would; throws with the Salesforce error. */
  update(object: string, id: string, fields: Record<string, unknown>): void;
  /** `refused`: the 403 REQUEST_LIMIT_EXCEEDED answers so far. */
  apiUsage(): { used: number; max: number; inFlight: number; refused: number };
  setApiUsage(used: number): void;
  setDailyApiLimit(max: number): void;
  setConcurrencyLimit(limit: number, serviceTimeMs?: LatencyOption): void;
  /** Caps the API requests admitted per second (undefined lifts the cap); those over it wait in line. */
  setRequestRate(perSecond: number | undefined): void;
  /** How long each composite subrequest after the first adds to its call (none by default). */
  setCompositeSubrequestTime(ms: LatencyOption | undefined): void;
  setUnableToLockRowRate(rate: number): void;
  /** The outbound messages the org has sent or still owes, with every delivery attempt. */
  outboundDeliveries(): OutboundDeliveryView[];
  /** Invalidates every token issued through OAuth (as if sessions expired); pre-issued ones stay. */
  revokeTokens(): void;
  /** Drops all records, cursors, jobs and issued tokens and resets API usage. */
  reset(): void;
}

function objectOf(org: SalesforceOrg, name: string): ObjectDef {
  const object = org.schema.object(name);
  if (!object) throw new Error(`Unknown sObject ${name}`);
  return object;
}

function unwrap(result: SaveResult): string {
  if (result.success) return result.id;
  throw new Error(result.errors.map((e) => `${e.statusCode}: ${e.message}`).join('; '));
}

const pad = (n: number): string => String(n).padStart(6, '0');

/** Builds the programmatic accessors over an org. */
export function accessors(org: SalesforceOrg): SalesforceAccessors {
  const view = (values: RecordView): RecordView => ({ ...values });
  const insert = (object: string, fields: Record<string, unknown>): string =>
    unwrap(org.dml.create(objectOf(org, object), fields));
  return {
    insert,
    insertMany: (object, rows) => rows.map((row) => insert(object, row)),
    seedAccountsWithContacts: ({ accounts, contactsPerAccount }) => {
      const seeded: SeededAccounts = { accounts: [], contacts: [] };
      for (let a = 1; a <= accounts; a += 1) {
        const account = { appAccountId: `acc_${pad(a)}`, name: `Sandbox Account ${pad(a)}` };
        const id = insert('Account', { Name: account.name, App_Account_Id__c: account.appAccountId });
        seeded.accounts.push({ id, ...account });
        for (let c = 1; c <= contactsPerAccount; c += 1) {
          const n = (a - 1) * contactsPerAccount + c;
          const contact = { appUserId: `u_${pad(n)}`, email: `user${pad(n)}@example.com` };
          const contactId = insert('Contact', {
            FirstName: 'Sandbox',
            LastName: `User ${pad(n)}`,
            Email: contact.email,
            App_User_Id__c: contact.appUserId,
            AccountId: id,
          });
          seeded.contacts.push({ id: contactId, ...contact, accountId: id });
        }
      }
      return seeded;
    },
    records: (object) => org.store.all(objectOf(org, object).name).map((r) => view(r.values)),
    findByExternalId: (object, field, value) => {
      const found = org.store.findBy(objectOf(org, object), field, value)[0];
      return found ? view(found.values) : undefined;
    },
    getRecord: (id) => {
      const found = org.store.get(id);
      return found && !found.deleted ? view(found.values) : undefined;
    },
    update: (object, id, fields) => {
      const def = objectOf(org, object);
      const record = org.store.get(id);
      if (!record || record.type !== def.name) throw new Error(`No ${def.name} with id ${id}`);
      unwrap(org.dml.update(def, record, fields));
    },
    apiUsage: () => ({
      used: org.usage.used,
      max: org.usage.max,
      inFlight: org.usage.inFlight,
      refused: org.usage.refused,
    }),
    setApiUsage: (used) => {
      org.usage.used = used;
    },
    setDailyApiLimit: (max) => {
      org.usage.max = max;
    },
    setConcurrencyLimit: (limit, serviceTimeMs) => {
      org.usage.concurrentRequestLimit = limit;
      if (serviceTimeMs !== undefined) org.usage.serviceTimeMs = serviceTimeMs;
    },
    setRequestRate: (perSecond) => {
      org.usage.rateCap = perSecond;
    },
    setCompositeSubrequestTime: (ms) => {
      org.usage.compositeSubrequestMs = ms;
    },
    setUnableToLockRowRate: (rate) => {
      org.unableToLockRowRate = rate;
    },
    outboundDeliveries: () => org.outbound.views(),
    revokeTokens: () => org.auth.revokeIssued(),
    reset: () => org.reset(),
  };
}

import { createHash } from 'node:crypto';
import type { SalesforceGateway } from '../clients/salesforce/gateway.js';
import type { StateItem, StateKey, StateStore } from '../clients/state-store.js';
import { logger, metrics, MetricUnit } from '../observability.js';

/** The Contact a requester email resolves to: what a Case link and a Mixpanel distinct id need. */
export interface RequesterContact {
  Id: string;
  AccountId: string | null;
  App_User_Id__c: string | null;
}

/** Resolves lower-cased requester emails to Contacts; an email without one is absent from the map. */
export interface ContactLookup {
  byEmail(emails: readonly string[]): Promise<Map<string, RequesterContact>>;
  /** Drops what is known of these emails (e.g. a Contact that a Case could not be linked to). */
  forget(emails: readonly string[]): Promise<void>;
}

/** How long a found app user's Contact is trusted without asking Salesforce again, by default (6 h). */
export const DEFAULT_CONTACT_CACHE_TTL_SECONDS = 21_600;
/**
 * How long "no app user for this email" is trusted (at most the TTL): short, because the Contact
 * may be created, or given its app user id, minutes after the first ticket.
 */
export const CONTACT_MISS_TTL_SECONDS = 600;
/** Entries one container keeps in memory: about 200 bytes each, a few MB at most. */
const MEMORY_ENTRIES = 20_000;
/**
 * Contact.Email is an Email field, at most 80 characters: a longer requester email matches no
 * Contact and is not looked up (its ticket is unmatched).
 */
const CONTACT_EMAIL_LENGTH = 80;

interface Entry {
  contact: RequesterContact | null;
  /** Epoch seconds. */
  expiresAt: number;
}

interface QueriedContact extends RequesterContact, Record<string, unknown> {
  Email: string | null;
}

export interface ContactDirectoryDeps {
  salesforce: Pick<SalesforceGateway, 'queryWhereIn'>;
  state: StateStore;
  /** 0 turns the cache off: every batch queries. */
  ttlSeconds: number;
  now?: () => number;
}

/**
 * Email → Contact with two cache levels: this container's memory (bounded, oldest out first), then
 * the state table shared by every container (one BatchGetItem per 100 emails, one BatchWriteItem
 * per 25), then one SOQL `IN` query per 200 emails for what neither holds. Keys are a SHA-256 of
 * the lower-cased email, so neither the table nor a log holds the address. When the state table
 * cannot answer or store, the lookup carries on with Salesforce: the cache only saves calls, and
 * tickets should not wait on it.
 */
export class ContactDirectory implements ContactLookup {
  private readonly memory = new Map<string, Entry>();

  constructor(private readonly deps: ContactDirectoryDeps) {}

  async byEmail(emails: readonly string[]): Promise<Map<string, RequesterContact>> {
    const nowSeconds = Math.floor((this.deps.now ?? Date.now)() / 1000);
    const wanted = [...new Set(emails.map((email) => email.toLowerCase()))].filter(
      (email) => email.length <= CONTACT_EMAIL_LENGTH,
    );
    const entries = new Map<string, Entry>();
    const fromMemory = this.deps.ttlSeconds > 0 ? wanted.filter((email) => this.recall(email, nowSeconds)) : [];
    for (const email of fromMemory) entries.set(email, this.memory.get(hashOf(email)) as Entry);

    let missing = wanted.filter((email) => !entries.has(email));
    if (missing.length > 0 && this.deps.ttlSeconds > 0) {
      for (const [email, entry] of await this.readStored(missing, nowSeconds)) {
        entries.set(email, entry);
        this.remember(email, entry);
      }
      missing = missing.filter((email) => !entries.has(email));
    }
    if (missing.length > 0) {
      const queried = await this.query(missing, nowSeconds);
      for (const [email, entry] of queried) entries.set(email, entry);
      if (this.deps.ttlSeconds > 0) await this.store(queried);
    }

    const found = new Map<string, RequesterContact>();
    for (const [email, entry] of entries) if (entry.contact) found.set(email, entry.contact);
    return found;
  }

  async forget(emails: readonly string[]): Promise<void> {
    const lower = [...new Set(emails.map((email) => email.toLowerCase()))];
    if (lower.length === 0 || this.deps.ttlSeconds === 0) return;
    for (const email of lower) this.memory.delete(hashOf(email));
    try {
      await this.deps.state.deleteMany(lower.map(keyOf));
    } catch (error) {
      unavailable('delete', lower.length, error);
    }
  }

  private recall(email: string, nowSeconds: number): boolean {
    const key = hashOf(email);
    const entry = this.memory.get(key);
    if (!entry) return false;
    this.memory.delete(key);
    if (entry.expiresAt <= nowSeconds) return false;
    // Read again: it moves to the young end, so the oldest unread entries leave first.
    this.memory.set(key, entry);
    return true;
  }

  private remember(email: string, entry: Entry): void {
    const key = hashOf(email);
    this.memory.delete(key);
    this.memory.set(key, entry);
    if (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value as string);
  }

  private async readStored(emails: readonly string[], nowSeconds: number): Promise<Map<string, Entry>> {
    const read = new Map<string, Entry>();
    let items: Array<StateItem | undefined>;
    try {
      items = await this.deps.state.getMany(emails.map(keyOf));
    } catch (error) {
      unavailable('read', emails.length, error);
      return read;
    }
    emails.forEach((email, i) => {
      const entry = entryOf(items[i]);
      if (entry && entry.expiresAt > nowSeconds) read.set(email, entry);
    });
    return read;
  }

  private async query(emails: readonly string[], nowSeconds: number): Promise<Map<string, Entry>> {
    const found = await this.deps.salesforce.queryWhereIn<QueriedContact>(
      'Contact',
      ['Id', 'AccountId', 'Email', 'App_User_Id__c'],
      'Email',
      emails,
    );
    const byEmail = new Map<string, RequesterContact>();
    for (const { Id, AccountId, Email, App_User_Id__c } of found) {
      const email = Email?.toLowerCase();
      // Several Contacts may share an email; prefer the one that is an app user.
      if (email && (!byEmail.has(email) || (!byEmail.get(email)?.App_User_Id__c && App_User_Id__c)))
        byEmail.set(email, { Id, AccountId, App_User_Id__c });
    }
    const missTtl = Math.min(CONTACT_MISS_TTL_SECONDS, this.deps.ttlSeconds);
    const entries = new Map<string, Entry>();
    for (const email of emails) {
      const contact = byEmail.get(email) ?? null;
      // A Contact that is no app user yet may become one: it is trusted as briefly as a miss.
      const ttl = contact?.App_User_Id__c ? this.deps.ttlSeconds : missTtl;
      entries.set(email, { contact, expiresAt: nowSeconds + ttl });
    }
    return entries;
  }

  private async store(entries: Map<string, Entry>): Promise<void> {
    for (const [email, entry] of entries) this.remember(email, entry);
    const items = [...entries].map(([email, { contact, expiresAt }]) => ({
      ...keyOf(email),
      contactId: contact?.Id ?? null,
      accountId: contact?.AccountId ?? null,
      appUserId: contact?.App_User_Id__c ?? null,
      expiresAt,
    }));
    try {
      await this.deps.state.putMany(items);
    } catch (error) {
      unavailable('write', items.length, error);
    }
  }
}

// The key holds a hash, never the address: the table and its backups carry no email.
const hashOf = (email: string): string => createHash('sha256').update(email).digest('base64url');
const keyOf = (email: string): StateKey => ({ pk: `tickets#contact-by-email#${hashOf(email)}`, sk: 'contact' });

function entryOf(item: StateItem | undefined): Entry | undefined {
  if (!item || typeof item.expiresAt !== 'number') return undefined;
  const { contactId, accountId, appUserId } = item;
  const contact =
    typeof contactId === 'string'
      ? {
          Id: contactId,
          AccountId: typeof accountId === 'string' ? accountId : null,
          App_User_Id__c: typeof appUserId === 'string' ? appUserId : null,
        }
      : null;
  return { contact, expiresAt: item.expiresAt };
}

function unavailable(operation: 'read' | 'write' | 'delete', emails: number, error: unknown): void {
  logger.warn('Contact cache unavailable: Salesforce answers instead', {
    operation,
    emails,
    error: error instanceof Error ? error.message : String(error),
  });
  metrics.addMetric('ContactCacheUnavailable', MetricUnit.Count, 1);
}

import { createHash } from 'node:crypto';
import { chunkByCount } from '../batching.js';
import { ConditionFailed, type StateItem, type StateKey, type StateStore } from '../clients/state-store.js';

/** What the usage sync last sent for one account, so that the next night sends only what changed. */
export interface AccountSyncState {
  accountId: string;
  /** `shortHash` of the Account usage fields last written to Salesforce. */
  salesforceHash?: string;
  /** `shortHash` of the account's Mixpanel group profile update last sent. */
  groupHash?: string;
  /** `userKey(userId)` → `shortHash` of the profile update last sent for that user. */
  users: Map<string, string>;
}

/**
 * A user's key in `AccountSyncState.users`: 8 bytes of SHA-256, as 16 hex characters. Within one
 * account a collision is as likely as 1 in 2^64 / n², so a fixed-size key loses nothing.
 */
export function userKey(userId: string): string {
  return shortHash(userId);
}

/** The first 8 bytes of SHA-256, as 16 hex characters: enough to tell one payload from the next. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Users are 16-byte records (8 bytes of user key, 8 of hash) in a Binary attribute. */
const RECORD_BYTES = 16;
/** 384,000 bytes of users keeps an item under DynamoDB's 400 KB with its key and hashes. */
export const USERS_PER_PART = 24_000;
const HEX_16 = /^[0-9a-f]{16}$/;
const DAY_SECONDS = 86_400;
// Parts saved together are forgotten after this, unless a later night saves the account again.
const DEFAULT_RETENTION_DAYS = 35;
// Concurrent UpdateItem calls of forgetSalesforce.
const UPDATES_IN_FLIGHT = 10;

const partKey = (accountId: string, part: number): StateKey => ({
  pk: `usage#account#${accountId}`,
  sk: `part#${part}`,
});

/**
 * The usage sync's memory, one to a few items per account (never one per user): part 0 holds the
 * account's hashes, its part count and up to 24,000 users; larger accounts spill into parts 1, 2...
 * A night of 1 M users in 50,000 accounts is about 50,000 items, loaded with one BatchGetItem per
 * 100 accounts.
 */
export class UsageSyncState {
  /**
   * Part counts of the accounts this instance has loaded or saved, so that a shrunk account drops
   * its extra parts. A part that a concurrent writer added unseen is left to expire with its TTL.
   */
  private readonly partCounts = new Map<string, number>();
  private readonly retentionDays: number;

  constructor(
    private readonly store: StateStore,
    options: { retentionDays?: number } = {},
  ) {
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  }

  /** The stored state of each account that has one; an account never saved (or long gone) is absent. */
  async load(accountIds: readonly string[]): Promise<Map<string, AccountSyncState>> {
    const ids = [...new Set(accountIds)];
    const heads = await this.store.getMany(ids.map((id) => partKey(id, 0)));
    const states = new Map<string, AccountSyncState>();
    const more: Array<{ state: AccountSyncState; key: StateKey }> = [];
    ids.forEach((accountId, index) => {
      const head = heads[index];
      this.partCounts.set(accountId, head ? partsOf(head) : 0);
      if (!head) return;
      const state: AccountSyncState = { accountId, users: new Map() };
      if (typeof head.salesforceHash === 'string') state.salesforceHash = head.salesforceHash;
      if (typeof head.groupHash === 'string') state.groupHash = head.groupHash;
      unpackUsers(head.users, state.users);
      states.set(accountId, state);
      for (let part = 1; part < partsOf(head); part++) more.push({ state, key: partKey(accountId, part) });
    });
    // A part that is missing (a concurrent save shrank the account) only means its users are sent again.
    const parts = await this.store.getMany(more.map((entry) => entry.key));
    parts.forEach((item, index) => {
      const entry = more[index];
      if (item && entry) unpackUsers(item.users, entry.state.users);
    });
    return states;
  }

  /**
   * Writes each account's state whole, replacing what was stored (pass only the accounts that
   * changed: an account costs a write of all its parts). Parts an account no longer needs are deleted.
   */
  async save(states: readonly AccountSyncState[]): Promise<void> {
    const latest = [...new Map(states.map((state) => [state.accountId, state])).values()];
    await this.learnPartCounts(latest.map((state) => state.accountId).filter((id) => !this.partCounts.has(id)));
    const expiresAt = Math.floor(Date.now() / 1000) + this.retentionDays * DAY_SECONDS;
    const items: StateItem[] = [];
    const stale: StateKey[] = [];
    const counts = new Map<string, number>();
    for (const state of latest) {
      const parts = toParts(state, expiresAt);
      // The extra parts go first: a reader never finds a count whose parts are not written yet.
      items.push(...parts.slice(1), ...parts.slice(0, 1));
      for (let part = parts.length; part < (this.partCounts.get(state.accountId) ?? 0); part++)
        stale.push(partKey(state.accountId, part));
      counts.set(state.accountId, parts.length);
    }
    await this.store.putMany(items);
    await this.store.deleteMany(stale);
    for (const [accountId, count] of counts) this.partCounts.set(accountId, count);
  }

  /** Reads part 0 of accounts this instance has not seen: what they hold decides which parts become stale. */
  private async learnPartCounts(accountIds: readonly string[]): Promise<void> {
    if (accountIds.length === 0) return;
    const heads = await this.store.getMany(accountIds.map((id) => partKey(id, 0)));
    accountIds.forEach((id, index) => {
      const head = heads[index];
      this.partCounts.set(id, head ? partsOf(head) : 0);
    });
  }

  /**
   * Forgets what was last written to Salesforce for these accounts, so the next night writes them
   * again (after a Salesforce write that failed). Accounts with no stored state are left alone.
   */
  async forgetSalesforce(accountIds: readonly string[]): Promise<void> {
    const ids = [...new Set(accountIds)];
    for (const chunk of chunkByCount(ids, UPDATES_IN_FLIGHT)) {
      await Promise.all(
        chunk.map((id) =>
          this.store
            .update(partKey(id, 0), { remove: ['salesforceHash'], condition: { exists: true } })
            .catch((error: unknown) => {
              if (!(error instanceof ConditionFailed)) throw error;
            }),
        ),
      );
    }
  }
}

function partsOf(head: StateItem): number {
  return typeof head.parts === 'number' && head.parts >= 1 ? head.parts : 1;
}

/** The account's items: part 0 with the hashes and the count, then one per further 24,000 users. */
function toParts(state: AccountSyncState, expiresAt: number): StateItem[] {
  const records = packUsers(state.users);
  const count = Math.max(1, Math.ceil(state.users.size / USERS_PER_PART));
  const partBytes = USERS_PER_PART * RECORD_BYTES;
  return Array.from({ length: count }, (_, part) => {
    const users = records.subarray(part * partBytes, (part + 1) * partBytes);
    return {
      ...partKey(state.accountId, part),
      ...(part === 0 ? { parts: count } : {}),
      ...(part === 0 && state.salesforceHash !== undefined ? { salesforceHash: state.salesforceHash } : {}),
      ...(part === 0 && state.groupHash !== undefined ? { groupHash: state.groupHash } : {}),
      ...(users.length > 0 ? { users } : {}),
      expiresAt,
    };
  });
}

/** Sorted by user key, so that the same users always pack into the same bytes. */
function packUsers(users: ReadonlyMap<string, string>): Buffer {
  const buffer = Buffer.alloc(users.size * RECORD_BYTES);
  const keys = [...users.keys()].sort();
  keys.forEach((key, index) => {
    const hash = users.get(key) ?? '';
    if (!HEX_16.test(key) || !HEX_16.test(hash))
      throw new Error(`Usage sync state: user key ${key} and hash ${hash} must each be 16 lower-case hex characters`);
    buffer.write(key, index * RECORD_BYTES, 'hex');
    buffer.write(hash, index * RECORD_BYTES + 8, 'hex');
  });
  return buffer;
}

function unpackUsers(value: unknown, into: Map<string, string>): void {
  if (!(value instanceof Uint8Array)) return;
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  for (let offset = 0; offset + RECORD_BYTES <= bytes.length; offset += RECORD_BYTES)
    into.set(bytes.toString('hex', offset, offset + 8), bytes.toString('hex', offset + 8, offset + RECORD_BYTES));
}

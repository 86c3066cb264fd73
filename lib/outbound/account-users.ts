import type { SalesforceGateway } from '../clients/salesforce/gateway.js';
import type { StateKey, StateStore } from '../clients/state-store.js';
import { logger } from '../observability.js';

/** How long an account's users are trusted without asking Salesforce again, by default. */
export const DEFAULT_ACCOUNT_USERS_TTL_SECONDS = 3600;
/**
 * DynamoDB items hold 400 KB: above this many bytes of user ids an account is not cached and costs
 * a query each time (about 10,000 users of 36-character ids).
 */
const MAX_CACHED_BYTES = 350_000;

export interface AccountUsersDeps {
  salesforce: Pick<SalesforceGateway, 'queryWhereIn'>;
  state: StateStore;
  ttlSeconds: number;
  now?: () => number;
}

interface Contact extends Record<string, unknown> {
  AccountId: string | null;
  App_User_Id__c: string | null;
}

// Salesforce ids come in 15 (case-sensitive) and 18 characters; the first 15 are the record's id.
const idOf = (accountId: string): string => accountId.slice(0, 15);
const cacheKey = (accountId: string): StateKey => ({ pk: `outbound#account-users#${idOf(accountId)}`, sk: 'users' });

/**
 * The app users of each account: its Contacts with an `App_User_Id__c`, sorted, for every account
 * id given (an account without users maps to an empty list). Cached accounts cost no Salesforce
 * call; the others are read with one SOQL query per 200 accounts and cached for `ttlSeconds` (0:
 * not cached), empty ones included, so that a burst of notifications for one account reads it once.
 */
export async function usersOfAccounts(
  accountIds: readonly string[],
  deps: AccountUsersDeps,
): Promise<Map<string, string[]>> {
  const unique = [...new Set(accountIds)];
  const cached = await deps.state.getMany(unique.map(cacheKey));
  const users = new Map<string, string[]>();
  const missing: string[] = [];
  unique.forEach((accountId, i) => {
    const item = cached[i]?.userIds;
    if (Array.isArray(item)) users.set(accountId, item.map(String));
    else missing.push(accountId);
  });
  if (missing.length === 0) return users;

  const contacts = await deps.salesforce.queryWhereIn<Contact>(
    'Contact',
    ['AccountId', 'App_User_Id__c'],
    'AccountId',
    missing,
  );
  const found = new Map<string, Set<string>>();
  for (const contact of contacts)
    if (contact.AccountId && contact.App_User_Id__c)
      found.set(idOf(contact.AccountId), (found.get(idOf(contact.AccountId)) ?? new Set()).add(contact.App_User_Id__c));

  const expiresAt = Math.floor((deps.now ?? Date.now)() / 1000) + deps.ttlSeconds;
  const items = [];
  for (const accountId of missing) {
    const userIds = [...(found.get(idOf(accountId)) ?? [])].sort();
    users.set(accountId, userIds);
    if (JSON.stringify(userIds).length <= MAX_CACHED_BYTES) items.push({ ...cacheKey(accountId), userIds, expiresAt });
    else logger.warn('Account too large to cache its users', { accountId, users: userIds.length });
  }
  if (deps.ttlSeconds > 0) await deps.state.putMany(items);
  return users;
}

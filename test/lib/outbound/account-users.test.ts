import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SalesforceClient } from '../../../lib/clients/salesforce/client.js';
import { usersOfAccounts } from '../../../lib/outbound/account-users.js';
import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { FakeSalesforce } from '../../support/fake-salesforce.js';
import { FakeStateStore } from '../../support/fake-state-store.js';
import { configFor, startOrg } from '../clients/salesforce/factories.js';

const contact = (accountId: string, appUserId: string | null) => ({ AccountId: accountId, App_User_Id__c: appUserId });

describe('usersOfAccounts', () => {
  it('reads the app users of uncached accounts from their Contacts, and caches every account', async () => {
    const salesforce = new FakeSalesforce();
    salesforce.contacts = [
      contact('001A', 'u_2'),
      contact('001A', 'u_1'),
      contact('001A', null),
      contact('001B', 'u_3'),
      contact('001C', null),
    ];
    const state = new FakeStateStore();
    const now = Date.now();

    const users = await usersOfAccounts(['001A', '001B', '001C', '001A'], {
      salesforce,
      state,
      ttlSeconds: 600,
      now: () => now,
    });

    expect(users).toEqual(
      new Map([
        ['001A', ['u_1', 'u_2']],
        ['001B', ['u_3']],
        ['001C', []],
      ]),
    );
    expect(salesforce.queries).toEqual([{ object: 'Contact', field: 'AccountId', values: ['001A', '001B', '001C'] }]);
    expect(state.all()).toContainEqual({
      pk: 'outbound#account-users#001A',
      sk: 'users',
      userIds: ['u_1', 'u_2'],
      expiresAt: Math.floor(now / 1000) + 600,
    });
  });

  it('costs no Salesforce call for cached accounts, and asks again once the cache has expired', async () => {
    const salesforce = new FakeSalesforce();
    salesforce.contacts = [contact('001A', 'u_1')];
    const [fresh, stale] = [new FakeStateStore(), new FakeStateStore()];
    const deps = { salesforce, ttlSeconds: 3600 };
    await usersOfAccounts(['001A'], { ...deps, state: fresh });
    await usersOfAccounts(['001B'], { ...deps, state: stale, now: () => Date.now() - 3601_000 });
    salesforce.contacts = [contact('001A', 'u_1'), contact('001A', 'u_9'), contact('001B', 'u_5')];
    const queries = salesforce.queries.length;

    const cached = await usersOfAccounts(['001A'], { ...deps, state: fresh });
    const queriesWhileCached = salesforce.queries.length - queries;
    const expired = await usersOfAccounts(['001B'], { ...deps, state: stale });

    expect(cached.get('001A')).toEqual(['u_1']);
    expect(queriesWhileCached).toBe(0);
    expect(expired.get('001B')).toEqual(['u_5']);
    expect(salesforce.queries.length - queries).toBe(1);
  });

  it('matches an 18-character Contact.AccountId to the 15-character id a notification may carry', async () => {
    const salesforce = new FakeSalesforce();
    salesforce.queryWhereIn = <T extends Record<string, unknown>>() =>
      Promise.resolve([contact('0015g00000Xy7ZaAAJ', 'u_1')] as unknown as T[]);

    const users = await usersOfAccounts(['0015g00000Xy7Za'], {
      salesforce,
      state: new FakeStateStore(),
      ttlSeconds: 0,
    });

    expect(users.get('0015g00000Xy7Za')).toEqual(['u_1']);
  });
});

describe('usersOfAccounts against the Salesforce emulator', () => {
  let sf: SalesforceEmulator;
  beforeAll(async () => {
    sf = await startOrg();
  });
  afterAll(async () => sf.stop());

  it('looks up 250 accounts with 2 SOQL queries (200 accounts each at most) in one composite call', async () => {
    const seeded = sf.seedAccountsWithContacts({ accounts: 250, contactsPerAccount: 2 });
    const client = new SalesforceClient(configFor(sf));
    const used = sf.apiUsage().used;

    const users = await usersOfAccounts(
      seeded.accounts.map((account) => account.id),
      { salesforce: client, state: new FakeStateStore(), ttlSeconds: 60 },
    );

    expect(sf.apiUsage().used - used).toBe(1);
    expect(sf.calls().byEndpoint.composite).toBe(1);
    expect(users.get(seeded.accounts[249]!.id)).toEqual(['u_000499', 'u_000500']);
    expect([...users.values()].flat()).toHaveLength(500);
  });
});

import { MixpanelClient } from '../../../lib/clients/mixpanel/client.js';
import type { ProfileUpdate } from '../../../lib/clients/mixpanel/types.js';
import { aggregateUsage, DAY_MS } from '../../../lib/usage/aggregate.js';
import {
  accountGroupUpdates,
  payloadHash,
  userProfileUpdates,
  type AccountFields,
  type UsageProfileSettings,
} from '../../../lib/usage/mixpanel-payloads.js';
import type { UsageRow } from '../../../lib/usage/rows.js';
import { defaultMixpanelConfig, startMixpanelEmulator } from '../../../sandbox/mixpanel/index.js';

const AS_OF = Date.parse('2026-01-15T02:00:00Z');
const FIELDS: AccountFields = new Map([
  ['acc_1', { Name: 'Acme', Plan__c: 'pro', Seats_Purchased__c: '25', Last_Active_At__c: null }],
]);
const SETTINGS: UsageProfileSettings = {
  accountProperties: {
    account_name: { field: 'Name' },
    plan: { field: 'Plan__c' },
    seats: { field: 'Seats_Purchased__c', type: 'number' },
  },
};

function row(userId: string, accountId: string, lastActiveAt: number | null, logins = 0): UsageRow {
  const email = userId === 'u_2' ? null : `${userId}@example.com`;
  return { userId, accountId, email, lastActiveAt, updatedAt: null, counters: { logins } };
}

const summary = aggregateUsage(
  [row('u_1', 'acc_1', AS_OF - 2 * DAY_MS, 4), row('u_2', 'acc_1', null, 1), row('u_3', 'acc_9', AS_OF - 60_000)],
  { asOf: AS_OF, isPaying: (id) => id === 'acc_1' },
);
const byId = new Map(summary.accounts.map((account) => [account.accountId, account]));

describe('usage payloads for Mixpanel', () => {
  it('sets the account’s fields and paying status and the user’s own usage on each user, not Last Seen', () => {
    const [first, second, unknown] = userProfileUpdates(summary.users, byId, FIELDS, SETTINGS);

    expect(first).toEqual({
      distinctId: 'u_1',
      operation: '$set',
      ignoreTime: true,
      values: {
        account_id: 'acc_1',
        account_name: 'Acme',
        plan: 'pro',
        seats: 25,
        account_paying: true,
        last_active_at: '2026-01-13T02:00:00',
        active_1d: false,
        active_7d: true,
        active_30d: true,
        logins: 4,
        $email: 'u_1@example.com',
      },
    });
    expect(second?.values).toMatchObject({ last_active_at: null, active_7d: false, logins: 1 });
    expect(second?.values).not.toHaveProperty('$email');
    // An account Salesforce does not know: its id and usage, with the configured fields empty.
    expect(unknown?.values).toMatchObject({
      account_id: 'acc_9',
      account_name: null,
      seats: null,
      account_paying: false,
    });
    // The account's activity figures are on its group profile only: they change with any of its users.
    expect(first?.values).not.toHaveProperty('active_users_7d');
  });

  it('sets each account’s group profile under the account_id group key', () => {
    const [acme] = accountGroupUpdates(summary.accounts, FIELDS, SETTINGS);

    expect(acme).toEqual({
      groupKey: 'account_id',
      groupId: 'acc_1',
      operation: '$set',
      values: {
        account_id: 'acc_1',
        account_name: 'Acme',
        plan: 'pro',
        seats: 25,
        account_paying: true,
        seats_used: 2,
        active_users_1d: 0,
        active_users_7d: 1,
        active_users_30d: 1,
        account_last_active_at: '2026-01-13T02:00:00',
        wapu: 1,
        logins: 5,
      },
    });
  });

  it('hashes a payload the same whatever its key order, and differently when a value changes', () => {
    const update: ProfileUpdate = { distinctId: 'u_1', operation: '$set', values: { a: 1, b: { c: 2, d: 3 } } };
    const reordered: ProfileUpdate = { values: { b: { d: 3, c: 2 }, a: 1 }, operation: '$set', distinctId: 'u_1' };
    const changed: ProfileUpdate = { distinctId: 'u_1', operation: '$set', values: { a: 2, b: { c: 2, d: 3 } } };

    expect(payloadHash(update)).toMatch(/^[0-9a-f]{64}$/);
    expect(payloadHash(reordered)).toBe(payloadHash(update));
    expect(payloadHash(changed)).not.toBe(payloadHash(update));
    expect(payloadHash({ ...update, distinctId: 'u_2' })).not.toBe(payloadHash(update));
  });

  it('travels through the Mixpanel client in calls of 2,000, leaving Last Seen alone', async () => {
    const mixpanel = await startMixpanelEmulator();
    const account = defaultMixpanelConfig.serviceAccounts[0]!;
    const client = new MixpanelClient({
      apiUrl: mixpanel.url,
      projectId: defaultMixpanelConfig.projectId,
      projectToken: defaultMixpanelConfig.projectToken,
      serviceAccount: account.username,
      serviceAccountSecret: account.secret,
    });
    const many = aggregateUsage(
      Array.from({ length: 4_500 }, (_, i) => row(`u_${i}`, `acc_${i % 3}`, AS_OF - i * 60_000)),
      { asOf: AS_OF, isPaying: () => true },
    );
    const accounts = new Map(many.accounts.map((a) => [a.accountId, a]));

    try {
      const users = await client.updateProfiles(userProfileUpdates(many.users, accounts, new Map(), {}));
      const groups = await client.updateGroups(accountGroupUpdates(many.accounts, new Map(), {}));

      expect(users.every((result) => result === undefined)).toBe(true);
      expect(groups).toEqual([undefined, undefined, undefined]);
      expect(mixpanel.calls().byEndpoint).toEqual({ engage: 3, groups: 1 });
      expect(mixpanel.profile('u_7')).toMatchObject({ properties: { account_id: 'acc_1', account_paying: true } });
      expect(mixpanel.profile('u_7')?.lastSeen).toBeUndefined();
      expect(mixpanel.group('account_id', 'acc_2')?.properties).toMatchObject({ wapu: 1_500 });
    } finally {
      await mixpanel.stop();
    }
  });
});

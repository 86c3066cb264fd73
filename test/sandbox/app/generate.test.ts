import { aggregateUsage } from '../../../lib/usage/aggregate.js';
import { accountRecords, generateUsage, plannedChanges, type ExportRow } from '../../../sandbox/app/index.js';
import { asUsageRow, collect } from '../../support/usage-export.js';

const AS_OF = Date.parse('2026-01-15T02:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const base = { users: 2_000, accounts: 100, asOf: AS_OF, seed: 11 };

const byUser = (rows: ExportRow[]) => new Map(rows.map((row) => [row.user_id, row]));

function summary(rows: ExportRow[], options: typeof base) {
  const plans = new Map(accountRecords(options).map((account) => [account.App_Account_Id__c, account.Plan__c]));
  const paying = (accountId: string) => !['trial', 'free'].includes(plans.get(accountId) ?? 'free');
  const result = aggregateUsage(rows.map(asUsageRow), { asOf: AS_OF, isPaying: paying });
  return {
    users: new Map(result.users.map((user) => [user.userId, user])),
    accounts: new Map(result.accounts.map((account) => [account.accountId, account])),
  };
}

describe('generateUsage', () => {
  it('gives the same rows for the same seed and other rows for another', async () => {
    const first = await collect(generateUsage(base));
    const again = await collect(generateUsage(base));
    const other = await collect(generateUsage({ ...base, seed: 12 }));

    expect(again).toEqual(first);
    expect(other.slice(7)).not.toEqual(first.slice(7));
  });

  it('gives any range the rows the whole night has there, also from inside a block of draws', async () => {
    const whole = await collect(generateUsage(base));

    expect(await collect(generateUsage(base, { from: 1_500, to: 1_600 }))).toEqual(whole.slice(1_500, 1_600));
    expect(await collect(generateUsage(base, { from: 3, to: 12 }))).toEqual(whole.slice(3, 12));
  });

  it('lists every user once, in id order, and puts at least one user on every account', async () => {
    for (const changedShare of [0, 0.3]) {
      const rows = await collect(generateUsage({ ...base, changedShare }));

      expect(rows.map((row) => row.user_id)).toEqual(
        Array.from({ length: base.users }, (_, i) => `u_${String(i + 1).padStart(7, '0')}`),
      );
      expect(new Set(rows.map((row) => row.account_id)).size).toBe(base.accounts);
    }
  });

  it('makes a few large accounts and many small ones', async () => {
    const rows = await collect(generateUsage({ users: 20_000, accounts: 1_000, asOf: AS_OF, seed: 11 }));
    const sizes = new Map<string, number>();
    for (const row of rows) sizes.set(row.account_id, (sizes.get(row.account_id) ?? 0) + 1);
    const sorted = [...sizes.values()].sort((a, b) => b - a);

    expect(sorted[0]).toBeGreaterThan(1_000);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThanOrEqual(6);
    expect(sorted.filter((size) => size === 1).length).toBeGreaterThan(50);
  });

  it('changes exactly the users its rule names, about the share asked, each later and busier', async () => {
    const before = byUser(await collect(generateUsage(base)));
    const after = await collect(generateUsage({ ...base, changedShare: 0.05 }));
    const planned = plannedChanges({ ...base, changedShare: 0.05 });

    const changed = after.filter((row) => JSON.stringify(row) !== JSON.stringify(before.get(row.user_id)));
    const moved = changed.filter((row) => row.account_id !== before.get(row.user_id)?.account_id);

    expect(changed).toHaveLength(planned.changed);
    expect(moved).toHaveLength(planned.moved);
    expect(planned.changed).toBe(Math.round(0.05 * (base.users - 7)) + 1);
    expect(moved.length).toBeGreaterThan(0);
    for (const row of changed) {
      const was = before.get(row.user_id)!;
      expect(Date.parse(row.last_active_at!)).toBeGreaterThan(was.last_active_at ? Date.parse(was.last_active_at) : 0);
      expect(Date.parse(row.last_active_at!)).toBeLessThanOrEqual(AS_OF);
      expect(row.logins_30d).toBeGreaterThan(was.logins_30d);
    }
  });

  it('refuses more accounts than users can fill, naming the option', async () => {
    await expect(collect(generateUsage({ users: 20, accounts: 17, asOf: AS_OF }))).rejects.toThrow('accounts');
  });
});

describe('the hand-checkable cases', () => {
  it('are the first seven users, as documented', async () => {
    const rows = (await collect(generateUsage(base))).slice(0, 7);
    const at = (ms: number) => new Date(AS_OF - ms).toISOString();

    expect(rows.map((row) => [row.user_id, row.account_id, row.last_active_at])).toEqual([
      ['u_0000001', 'acc_000001', at(2 * HOUR)],
      ['u_0000002', 'acc_000001', at(3 * DAY)],
      ['u_0000003', 'acc_000002', null],
      ['u_0000004', 'acc_000002', at(8 * DAY)],
      ['u_0000005', 'acc_000002', at(6 * DAY + 23 * HOUR)],
      ['u_0000006', 'acc_000003', at(20 * HOUR)],
      ['u_0000007', 'acc_000003', at(12 * HOUR)],
    ]);
  });

  it('give the documented figures in the base night', async () => {
    const { users, accounts } = summary(await collect(generateUsage(base)), base);

    expect(users.get('u_0000004')).toMatchObject({ active30d: true, active7d: false });
    expect(users.get('u_0000005')).toMatchObject({ active7d: true, active1d: false });
    expect(users.get('u_0000003')).toMatchObject({ lastActiveAt: null, active30d: false });
    const kpis = (id: string) => {
      const { paying, seatsUsed, activeUsers1d, activeUsers7d, activeUsers30d, wapu } = accounts.get(id)!;
      return [paying, seatsUsed, activeUsers1d, activeUsers7d, activeUsers30d, wapu];
    };
    expect(kpis('acc_000001')).toEqual([false, 2, 1, 2, 2, 0]);
    expect(kpis('acc_000002')).toEqual([true, 3, 0, 1, 2, 1]);
    expect(kpis('acc_000003')).toEqual([true, 2, 2, 2, 2, 2]);
  });

  it('move user 6 to account 2 in a changed night, where it is listed once', async () => {
    const night = { ...base, changedShare: 0.01 };
    const rows = await collect(generateUsage(night));
    const { accounts } = summary(rows, night);

    expect(rows.filter((row) => row.user_id === 'u_0000006').map((row) => row.account_id)).toEqual(['acc_000002']);
    expect(accounts.get('acc_000002')).toMatchObject({ seatsUsed: 4, activeUsers1d: 1, activeUsers7d: 2, wapu: 2 });
    expect(accounts.get('acc_000003')).toMatchObject({ seatsUsed: 1, activeUsers7d: 1, wapu: 1 });
  });
});

import { aggregateUsage, DAY_MS, UsageAggregator, type AccountUsage } from '../../../lib/usage/aggregate.js';
import { isPaying, PayingRule } from '../../../lib/usage/config.js';
import type { UsageRow } from '../../../lib/usage/rows.js';

const AS_OF = Date.parse('2026-01-15T02:00:00Z');
const HOUR = 60 * 60 * 1000;
const ago = (ms: number) => AS_OF - ms;

function row(userId: string, accountId: string, lastActiveAt: number | null, extra: Partial<UsageRow> = {}): UsageRow {
  return { userId, accountId, email: `${userId}@example.com`, lastActiveAt, updatedAt: null, counters: {}, ...extra };
}

/** Salesforce's view of the accounts: Plan__c decides who pays (not trial, not free). */
const PLANS: Record<string, string | null> = { acc_paid: 'Pro', acc_trial: 'trial', acc_empty: 'Enterprise' };
const RULE = PayingRule.parse({ field: 'Plan__c', notIn: ['trial', 'free'] });
const paying = (accountId: string) =>
  isPaying(RULE, accountId in PLANS ? { Plan__c: PLANS[accountId] ?? null } : undefined);

describe('usage aggregation', () => {
  // Hand-checked: acc_paid has six users, of whom three were active within 7 × 24 h before AS_OF
  // (u_today, u_7d_exact, u_moved) and four within 30 days (those and u_8d).
  const rows: UsageRow[] = [
    row('u_today', 'acc_paid', ago(1 * HOUR), { counters: { logins: 5 } }),
    row('u_7d_exact', 'acc_paid', ago(7 * DAY_MS), { counters: { logins: 1 } }),
    row('u_8d', 'acc_paid', ago(8 * DAY_MS)),
    row('u_inactive', 'acc_paid', null),
    row('u_old', 'acc_paid', ago(45 * DAY_MS)),
    row('u_trial', 'acc_trial', ago(2 * DAY_MS), { counters: { logins: 9 } }),
    row('u_moved', 'acc_trial', ago(20 * DAY_MS), { counters: { logins: 100 } }),
    row('u_moved', 'acc_paid', ago(3 * DAY_MS), { counters: { logins: 2 } }),
  ];
  const summary = aggregateUsage(rows, { asOf: AS_OF, isPaying: paying, knownAccounts: ['acc_empty'] });
  const account = (id: string): AccountUsage | undefined => summary.accounts.find((a) => a.accountId === id);

  it('counts seats, active users per window, last activity and counters per account', () => {
    expect(account('acc_paid')).toEqual({
      accountId: 'acc_paid',
      paying: true,
      seatsUsed: 6,
      activeUsers1d: 1,
      activeUsers7d: 3,
      activeUsers30d: 4,
      wapu: 3,
      lastActiveAt: ago(1 * HOUR),
      counters: { logins: 8 },
    });
  });

  it('counts a trial account’s active users but none of them as WAPU', () => {
    expect(account('acc_trial')).toMatchObject({ paying: false, seatsUsed: 1, activeUsers7d: 1, wapu: 0 });
    expect(account('acc_trial')?.counters).toEqual({ logins: 9 });
  });

  it('reports a known account without users with zeros', () => {
    expect(account('acc_empty')).toEqual({
      accountId: 'acc_empty',
      paying: true,
      seatsUsed: 0,
      activeUsers1d: 0,
      activeUsers7d: 0,
      activeUsers30d: 0,
      wapu: 0,
      lastActiveAt: null,
      counters: {},
    });
    expect(summary.wapu).toBe(3);
  });

  it('counts a user last active exactly 7 × 24 h ago as active for 7 days, and 8 days ago as not', () => {
    const flags = (id: string) => {
      const user = summary.users.find((u) => u.userId === id);
      return [user?.active1d, user?.active7d, user?.active30d];
    };

    expect(flags('u_7d_exact')).toEqual([false, true, true]);
    expect(flags('u_8d')).toEqual([false, false, true]);
    expect(flags('u_inactive')).toEqual([false, false, false]);
  });

  it('puts the edge of the window at exactly 7 × 24 h: one millisecond more is outside', () => {
    const edge = aggregateUsage(
      [row('u_a', 'acc_paid', ago(7 * DAY_MS)), row('u_b', 'acc_paid', ago(7 * DAY_MS + 1))],
      {
        asOf: AS_OF,
        isPaying: paying,
      },
    );

    expect(edge.users.map((user) => [user.userId, user.active7d])).toEqual([
      ['u_a', true],
      ['u_b', false],
    ]);
  });

  it('keeps a moved user on the newest account only, with that row’s data', () => {
    const moved = summary.users.filter((user) => user.userId === 'u_moved');

    expect(moved).toEqual([expect.objectContaining({ accountId: 'acc_paid', lastActiveAt: ago(3 * DAY_MS) })]);
    expect(moved[0]?.counters).toEqual({ logins: 2 });
  });

  it('takes the newest row, not the last one, and uses updatedAt when the export has it', () => {
    const byActivity = aggregateUsage(
      [row('u_1', 'acc_new', ago(1 * DAY_MS)), row('u_1', 'acc_old', ago(9 * DAY_MS))],
      { asOf: AS_OF, isPaying: paying },
    );
    // Moved yesterday and not active since: the membership change is newer than the last activity.
    const byUpdate = aggregateUsage(
      [
        row('u_1', 'acc_old', ago(2 * DAY_MS), { updatedAt: ago(30 * DAY_MS) }),
        row('u_1', 'acc_new', null, { updatedAt: ago(1 * DAY_MS) }),
      ],
      { asOf: AS_OF, isPaying: paying },
    );

    expect(byActivity.users.map((user) => user.accountId)).toEqual(['acc_new']);
    expect(byUpdate.users.map((user) => [user.accountId, user.active7d])).toEqual([['acc_new', false]]);
    expect(byUpdate.accounts.map((a) => [a.accountId, a.seatsUsed])).toEqual([['acc_new', 1]]);
  });

  it('gives the same result whether rows arrive at once or in batches, in any order', () => {
    const streamed = new UsageAggregator({ asOf: AS_OF, isPaying: paying, knownAccounts: ['acc_empty'] });
    streamed.add(rows.slice(0, 3));
    streamed.add(rows.slice(3));
    const reversed = aggregateUsage([...rows].reverse(), {
      asOf: AS_OF,
      isPaying: paying,
      knownAccounts: ['acc_empty'],
    });

    expect(streamed.result()).toEqual(summary);
    expect(reversed).toEqual(summary);
  });
});

describe('paying rule', () => {
  it.each([
    [{ field: 'Plan__c', notIn: ['trial', 'free'] }, { Plan__c: ' Pro ' }, true],
    [{ field: 'Plan__c', notIn: ['trial', 'free'] }, { Plan__c: 'FREE' }, false],
    [{ field: 'Plan__c', notIn: ['trial', 'free'] }, { Plan__c: null }, false],
    [{ field: 'Plan__c', notIn: ['trial', 'free'] }, undefined, false],
    [{ field: 'Plan__c', in: ['pro', 'enterprise'] }, { Plan__c: 'Enterprise' }, true],
    [{ field: 'Plan__c', in: ['pro', 'enterprise'] }, { Plan__c: 'starter' }, false],
  ])('%j on %j is %s', (rule, fields, expected) => {
    expect(isPaying(PayingRule.parse(rule), fields)).toBe(expected);
  });

  it('needs exactly one of in and notIn', () => {
    expect(PayingRule.safeParse({ field: 'Plan__c' }).success).toBe(false);
    expect(PayingRule.safeParse({ field: 'Plan__c', in: ['a'], notIn: ['b'] }).success).toBe(false);
  });
});

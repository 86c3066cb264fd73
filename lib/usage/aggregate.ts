import type { UsageRow } from './rows.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The activity windows, in days. A user is active in an N-day window when
 * `asOf − lastActiveAt ≤ N × 24 h`: the window is closed at its far end, so a user last active
 * exactly 7 × 24 h before `asOf` counts for 7 days and one active 7 × 24 h + 1 ms before does
 * not. Durations, not calendar days, so the answer is the same in every time zone. Activity
 * stamped after `asOf` (clock skew, a late export) counts as active.
 */
export const WINDOWS = { '1d': 1, '7d': 7, '30d': 30 } as const;

/** One user after the export is resolved: the newest row only. */
export interface UserUsage {
  userId: string;
  accountId: string;
  email: string | null;
  lastActiveAt: number | null;
  active1d: boolean;
  active7d: boolean;
  active30d: boolean;
  counters: Record<string, number>;
}

/** One account's KPIs. */
export interface AccountUsage {
  accountId: string;
  paying: boolean;
  /** Users the export places on the account, active or not. */
  seatsUsed: number;
  activeUsers1d: number;
  activeUsers7d: number;
  activeUsers30d: number;
  /** Weekly active paying users: `activeUsers7d` when the account is paying, else 0. */
  wapu: number;
  /** The latest activity of any of its users (epoch ms), or null. */
  lastActiveAt: number | null;
  /** Each counter summed over the account's users. */
  counters: Record<string, number>;
}

export interface UsageSummary {
  asOf: number;
  users: UserUsage[];
  accounts: AccountUsage[];
  /** WAPU over all accounts. */
  wapu: number;
}

export interface AggregateOptions {
  /** The instant the windows end at (epoch ms), e.g. when the export was taken. */
  asOf: number;
  /** Whether an account counts as paying (see `isPaying`). */
  isPaying: (accountId: string) => boolean;
  /** Accounts to report even if no row names them (their KPIs are then zero), e.g. every account in Salesforce. */
  knownAccounts?: Iterable<string>;
}

/**
 * Folds usage rows into per-user and per-account figures without I/O: rows can be added as they
 * stream in, and the result depends only on the rows, `asOf` and the paying rule. A user who
 * appears more than once (moved to another account, or listed twice) is taken from the newest
 * row — by `updatedAt` when the export has it, else by `lastActiveAt`, a row without a time being
 * the oldest, and the later row on a tie — and belongs to that row's account only.
 */
export class UsageAggregator {
  private readonly newest = new Map<string, UsageRow>();

  constructor(private readonly options: AggregateOptions) {}

  add(rows: Iterable<UsageRow>): void {
    for (const row of rows) {
      const held = this.newest.get(row.userId);
      if (!held || stamp(row) >= stamp(held)) this.newest.set(row.userId, row);
    }
  }

  /** Users with their flags, and every account's KPIs, both sorted by id for a stable output. */
  result(): UsageSummary {
    const { asOf, isPaying, knownAccounts = [] } = this.options;
    const active = (at: number | null, days: number): boolean => at !== null && asOf - at <= days * DAY_MS;
    const accounts = new Map<string, AccountUsage>();
    const accountOf = (accountId: string): AccountUsage => {
      let account = accounts.get(accountId);
      if (!account) {
        account = {
          accountId,
          paying: isPaying(accountId),
          seatsUsed: 0,
          activeUsers1d: 0,
          activeUsers7d: 0,
          activeUsers30d: 0,
          wapu: 0,
          lastActiveAt: null,
          counters: {},
        };
        accounts.set(accountId, account);
      }
      return account;
    };
    for (const accountId of knownAccounts) accountOf(accountId);

    const users: UserUsage[] = [];
    for (const row of this.newest.values()) {
      const user: UserUsage = {
        userId: row.userId,
        accountId: row.accountId,
        email: row.email,
        lastActiveAt: row.lastActiveAt,
        active1d: active(row.lastActiveAt, WINDOWS['1d']),
        active7d: active(row.lastActiveAt, WINDOWS['7d']),
        active30d: active(row.lastActiveAt, WINDOWS['30d']),
        counters: row.counters,
      };
      users.push(user);
      const account = accountOf(row.accountId);
      account.seatsUsed += 1;
      if (user.active1d) account.activeUsers1d += 1;
      if (user.active7d) account.activeUsers7d += 1;
      if (user.active30d) account.activeUsers30d += 1;
      if (row.lastActiveAt !== null && (account.lastActiveAt === null || row.lastActiveAt > account.lastActiveAt))
        account.lastActiveAt = row.lastActiveAt;
      for (const [name, value] of Object.entries(row.counters))
        account.counters[name] = (account.counters[name] ?? 0) + value;
    }
    let wapu = 0;
    for (const account of accounts.values()) {
      account.wapu = account.paying ? account.activeUsers7d : 0;
      wapu += account.wapu;
    }
    const byId =
      <T>(key: (item: T) => string) =>
      (a: T, b: T) =>
        key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
    return {
      asOf,
      users: users.sort(byId((user) => user.userId)),
      accounts: [...accounts.values()].sort(byId((account) => account.accountId)),
      wapu,
    };
  }
}

/** What decides which of a user's rows is the newest. */
function stamp(row: UsageRow): number {
  return row.updatedAt ?? row.lastActiveAt ?? Number.NEGATIVE_INFINITY;
}

/** `UsageAggregator` over a batch of rows, for callers that hold them all. */
export function aggregateUsage(rows: Iterable<UsageRow>, options: AggregateOptions): UsageSummary {
  const aggregator = new UsageAggregator(options);
  aggregator.add(rows);
  return aggregator.result();
}

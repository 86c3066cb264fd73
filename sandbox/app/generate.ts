import { setImmediate as nextTurn } from 'node:timers/promises';
import { seededRandom, type Random } from '../common/random.js';
import {
  accountId,
  DAY_MS,
  fate,
  hash,
  HOUR_MS,
  pick,
  population,
  userId,
  type Population,
  type UsageOptions,
} from './population.js';

/** One row of the app's usage export, under the export's own column names. Times are ISO 8601 in UTC. */
export interface ExportRow {
  user_id: string;
  account_id: string;
  email: string | null;
  last_active_at: string | null;
  logins_30d: number;
  projects_created: number;
}

export const EXPORT_COLUMNS = [
  'user_id',
  'account_id',
  'email',
  'last_active_at',
  'logins_30d',
  'projects_created',
] as const satisfies ReadonlyArray<keyof ExportRow>;

/** Rows `from` (inclusive) to `to` (exclusive), 0-based, in user id order. */
export interface RowRange {
  from?: number;
  to?: number;
}

/**
 * A night of the app's usage export, one row per user in user id order, computed row by row
 * (nothing is held): the same options give the same rows, and a range gives the same rows as the
 * whole export does at those offsets.
 */
export async function* generateUsage(options: UsageOptions, range: RowRange = {}): AsyncGenerator<ExportRow> {
  let count = 0;
  for (const row of usageRows(population(options), range)) {
    yield row;
    // A consumer that never awaits I/O would otherwise hold the event loop for the whole night.
    if ((count += 1) % 10_000 === 0) await nextTurn();
  }
}

/**
 * Users draw from one generator per block of this many, so a night is not a million generators,
 * and any row is at most a block's worth of draws away from a fresh start.
 */
const BLOCK = 1024;

/** `generateUsage` without a promise per row, for writers that produce bytes as fast as they can. */
export function* usageRows(pop: Population, { from = 0, to = pop.options.users }: RowRange = {}): Generator<ExportRow> {
  const end = Math.min(to, pop.options.users);
  const cases = pop.firstUser - 1;
  let row = Math.max(0, from);
  for (; row < Math.min(cases, end); row += 1) yield caseRow(pop, row + 1);
  let random: Random | undefined;
  for (; row < end; row += 1) {
    const g = row - cases;
    if (random === undefined || g % BLOCK === 0) {
      random = seededRandom(hash(pop.options.seed, Math.floor(g / BLOCK)));
      // A range that starts inside a block replays the block's draws up to its first row.
      for (let skipped = g - (g % BLOCK); skipped < g; skipped += 1) generalRow(pop, skipped, random);
    }
    yield generalRow(pop, g, random);
  }
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

// account, last active (ms before asOf, or never), logins_30d, projects_created
type Case = [account: number, agoMs: number | null, logins: number, projects: number];

/**
 * The hand-checkable users (docs/sandbox.md): on account 1 (trial) two active users; on account 2
 * (pro) one never active, one active exactly 8 × 24 h before `asOf`, one 6 d 23 h before; on
 * account 3 (starter) one active 12 h before; user 6 is on account 3 in the base night and on
 * account 2 in every changed night, active later there.
 */
function caseRow(pop: Population, n: number): ExportRow {
  const { asOf, changedShare } = pop.options;
  const cases: Record<number, Case> = {
    1: [1, 2 * HOUR_MS, 12, 3],
    2: [1, 3 * DAY_MS, 4, 1],
    3: [2, null, 0, 0],
    4: [2, 8 * DAY_MS, 2, 5],
    5: [2, 6 * DAY_MS + 23 * HOUR_MS, 7, 2],
    6: changedShare > 0 ? [2, HOUR_MS, 10, 4] : [3, 20 * HOUR_MS, 9, 4],
    7: [3, 12 * HOUR_MS, 15, 8],
  };
  const [account, ago, logins, projects] = cases[n] ?? [1, null, 0, 0];
  return {
    user_id: userId(n),
    account_id: accountId(account),
    email: `case${n}@example.com`,
    last_active_at: iso(ago === null ? null : asOf - ago),
    logins_30d: logins,
    projects_created: projects,
  };
}

const FIRST = ['ava', 'ben', 'chloe', 'dev', 'emma', 'farid', 'grace', 'hugo', 'ines', 'jon', 'kai', 'lena', 'mia'];
const LAST = ['adams', 'brown', 'chen', 'diaz', 'evans', 'fischer', 'garcia', 'haddad', 'ito', 'jones', 'kim', 'lopez'];
const DOMAINS = ['example.com', 'example.org', 'example.net'];

// Last activity, by share of users: never, within a day, a week, a month, a year.
const ACTIVITY: Array<[share: number, fromMs: number, toMs: number]> = [
  [0.08, 0, 0],
  [0.35, 1, DAY_MS],
  [0.25, DAY_MS, 7 * DAY_MS],
  [0.17, 7 * DAY_MS, 30 * DAY_MS],
  [0.15, 30 * DAY_MS, 365 * DAY_MS],
];

/**
 * General user `g`, drawing from its block's generator. Every user takes the same draws in every
 * night (the change draws too, used or not), so the users after a changed one stay as they were.
 */
function generalRow(pop: Population, g: number, random: Random): ExportRow {
  const { asOf } = pop.options;
  const n = pop.firstUser + g;
  const email =
    random.next() < 0.005 ? null : `${pick(FIRST, random)}.${pick(LAST, random)}.${n}@${pick(DOMAINS, random)}`;
  const base = baseActivity(asOf, random);
  const logins = loginsIn30Days(base === null ? Infinity : asOf - base, random);
  const projects = Math.floor(random.next() ** 3 * 40);
  const later = random.next();
  const moreLogins = random.int(1, 5);
  const newProject = random.next() < 0.3 ? 1 : 0;
  const elsewhere = random.int(1, Math.max(1, pop.generalAccounts - 1));
  const { account, changed, moved } = fate(pop, g);
  // Later than the base night and not after asOf: within the last day.
  const room = base === null ? DAY_MS : Math.min(DAY_MS, asOf - base - 1);
  return {
    user_id: userId(n),
    account_id: accountId(pop.firstAccount + (moved ? (account + elsewhere) % pop.generalAccounts : account)),
    email,
    last_active_at: iso(changed ? asOf - Math.floor(later * room) : base),
    logins_30d: changed ? logins + moreLogins : logins,
    projects_created: changed ? projects + newProject : projects,
  };
}

function baseActivity(asOf: number, random: Random): number | null {
  let draw = random.next();
  for (const [share, fromMs, toMs] of ACTIVITY) {
    if (draw < share) return toMs === 0 ? null : asOf - fromMs - Math.floor(random.next() * (toMs - fromMs));
    draw -= share;
  }
  return null;
}

/** Recent users log in more; nobody inactive for a month logged in within it. */
function loginsIn30Days(agoMs: number, random: Random): number {
  if (agoMs <= DAY_MS) return random.int(3, 60);
  if (agoMs <= 7 * DAY_MS) return random.int(1, 25);
  return agoMs <= 30 * DAY_MS ? random.int(1, 8) : 0;
}

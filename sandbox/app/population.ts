import { z } from 'zod';
import { seededRandom, type Random } from '../common/random.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;

/** What a generated night of the app's usage is made of; the same options give the same bytes. */
export const UsageOptions = z
  .object({
    users: z.number().int().min(1).max(10_000_000),
    accounts: z.number().int().min(1),
    /** The instant the export is taken (epoch ms); every time in it is at or before. */
    asOf: z
      .number()
      .int()
      .min(DAY_MS * 400),
    seed: z.number().int().default(1),
    /**
     * 0: the seed's base night. Otherwise that share of the base night's users changed: active
     * later, one counter up, and a tenth of them moved to another account.
     */
    changedShare: z.number().min(0).max(1).default(0),
  })
  .refine((o) => o.accounts <= o.users - (hasCases(o) ? CASE_USERS - CASE_ACCOUNTS : 0), {
    message: 'every account needs a user: at most `users` accounts (`users` − 4 with the hand-checkable cases)',
    path: ['accounts'],
  });
export type UsageOptions = z.input<typeof UsageOptions>;
export type ParsedUsageOptions = z.output<typeof UsageOptions>;

/** The hand-checkable users and accounts (see docs/sandbox.md) take the first ids when there is room. */
export const CASE_USERS = 7;
export const CASE_ACCOUNTS = 3;
function hasCases(options: { users: number; accounts: number }): boolean {
  return options.users >= 10 && options.accounts >= CASE_ACCOUNTS + 1;
}

export const userId = (n: number): string => `u_${String(n).padStart(7, '0')}`;
export const accountId = (n: number): string => `acc_${String(n).padStart(6, '0')}`;

/** A share of the changed users that also moved to another account. */
const MOVED_SHARE = 0.1;
// Account sizes follow a Pareto law (a few accounts of thousands, many of one to five users),
// capped so one seed cannot put most users in one account.
const PARETO_ALPHA = 1.2;
const MAX_WEIGHT = 20_000;

/**
 * The shape of a night shared by every row: which account each user is on, which users changed.
 * Users are "general" unless they are one of the hand-checkable cases; the general user `g`
 * (0-based) sits at position `(a·g + b) mod G` of the accounts laid end to end, and changed when
 * `(c·g + d) mod G` is below the number of changes: both are permutations, so any row can be
 * computed on its own (a page of the HTTPS export starts anywhere) and the count of changed users
 * is exact.
 */
export interface Population {
  options: ParsedUsageOptions;
  cases: boolean;
  /** Number of the first general user and account (after the cases). */
  firstUser: number;
  firstAccount: number;
  generalUsers: number;
  generalAccounts: number;
  /** Start position of each general account, plus the total at the end. */
  starts: Float64Array;
  place: Affine;
  change: Affine;
  changed: number;
  moved: number;
}

interface Affine {
  a: number;
  b: number;
}

export function population(input: UsageOptions): Population {
  const options = UsageOptions.parse(input);
  const cases = hasCases(options);
  const generalUsers = options.users - (cases ? CASE_USERS : 0);
  const generalAccounts = options.accounts - (cases ? CASE_ACCOUNTS : 0);
  // Users draw from hash(seed, g ≥ 0) and accounts from hash(seed, j < 0): this one is neither.
  const random = seededRandom(hash(options.seed, 0x7fffffff));
  const changed = Math.round(options.changedShare * generalUsers);
  return {
    options,
    cases,
    firstUser: cases ? CASE_USERS + 1 : 1,
    firstAccount: cases ? CASE_ACCOUNTS + 1 : 1,
    generalUsers,
    generalAccounts,
    starts: accountStarts(generalUsers, generalAccounts, random),
    place: affine(generalUsers, random),
    change: affine(generalUsers, random),
    changed,
    moved: generalAccounts >= 2 ? Math.round(changed * MOVED_SHARE) : 0,
  };
}

/** Every account gets one user, the rest is shared in proportion to Pareto weights (less one: many get none). */
function accountStarts(users: number, accounts: number, random: Random): Float64Array {
  const weights = new Float64Array(accounts);
  let total = 0;
  for (let j = 0; j < accounts; j += 1) {
    weights[j] = Math.min(MAX_WEIGHT, (1 - random.next()) ** (-1 / PARETO_ALPHA) - 1);
    total += weights[j] ?? 0;
  }
  const extra = users - accounts;
  const sizes = new Float64Array(accounts);
  let given = 0;
  for (let j = 0; j < accounts; j += 1) {
    const share = total > 0 ? (weights[j] ?? 0) / total : 1 / accounts;
    sizes[j] = 1 + Math.floor(extra * share);
    given += sizes[j] ?? 0;
  }
  // Rounding down leaves fewer than `accounts` users over: one more each for the first accounts.
  for (let j = 0; given < users; j += 1, given += 1) sizes[j % accounts] = (sizes[j % accounts] ?? 0) + 1;
  const starts = new Float64Array(accounts + 1);
  for (let j = 0; j < accounts; j += 1) starts[j + 1] = (starts[j] ?? 0) + (sizes[j] ?? 0);
  return starts;
}

/** `x → (a·x + b) mod n`, a permutation of 0..n−1 since `a` is coprime with `n`. */
function affine(n: number, random: Random): Affine {
  let a = 1 + Math.floor(random.next() * Math.max(1, n - 1));
  while (gcd(a, n) !== 1) a += 1;
  return { a, b: Math.floor(random.next() * n) };
}

export function permute({ a, b }: Affine, x: number, n: number): number {
  // a·x stays below 2^53 for n ≤ 10^7, so the product is exact.
  return (a * x + b) % n;
}

function gcd(x: number, y: number): number {
  return y === 0 ? x : gcd(y, x % y);
}

/** The general account (0-based) holding a position: the last start at or before it. */
export function accountAt(starts: Float64Array, position: number): number {
  let low = 0;
  let high = starts.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] ?? 0) <= position) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The users a night changed and moved, counted by the same rule the rows follow (the mover case included). */
export function plannedChanges(input: UsageOptions): { changed: number; moved: number } {
  const pop = population(input);
  let moved = 0;
  for (let g = 0; g < pop.generalUsers; g += 1) if (fate(pop, g).moved) moved += 1;
  const mover = pop.cases && pop.options.changedShare > 0 ? 1 : 0;
  return { changed: pop.changed + mover, moved: moved + mover };
}

/** Where general user `g` is and what the night did to it. */
export function fate(pop: Population, g: number): { account: number; changed: boolean; moved: boolean } {
  const position = permute(pop.place, g, pop.generalUsers);
  const account = accountAt(pop.starts, position);
  const rank = permute(pop.change, g, pop.generalUsers);
  // An account's first position never moves away, so no account is left without users.
  const moved = rank < pop.moved && position !== pop.starts[account];
  return { account, changed: rank < pop.changed, moved };
}

/** A 32-bit mix of two integers (murmur3's finaliser), to seed one user's or account's draws. */
export function hash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export const pick = <T>(list: readonly T[], random: Random): T => list[random.int(0, list.length - 1)] as T;

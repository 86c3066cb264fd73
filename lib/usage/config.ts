import * as z from '../zod-mini.js';

/** A name the hub uses for a counter, also its Mixpanel property name: lower snake case. */
const CounterName = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower snake case, at most 64 characters'));

/**
 * Which column of the app's usage export holds what. The first four are required in every row
 * (email may be empty); `counters` names numeric columns to carry through (hub name → column).
 * `updatedAt`, when the export has it, says when the row itself last changed (e.g. a user moved
 * accounts) and decides which of a user's rows is the newest; without it, `lastActiveAt` does.
 */
export const UsageColumns = z.object({
  userId: z._default(z.string().check(z.minLength(1)), 'user_id'),
  accountId: z._default(z.string().check(z.minLength(1)), 'account_id'),
  email: z._default(z.string().check(z.minLength(1)), 'email'),
  lastActiveAt: z._default(z.string().check(z.minLength(1)), 'last_active_at'),
  updatedAt: z.optional(z.string().check(z.minLength(1))),
  counters: z._default(z.record(CounterName, z.string().check(z.minLength(1))), {}),
});
export type UsageColumns = z.output<typeof UsageColumns>;

/** The usage export: NDJSON (one JSON object a line) or CSV with a header row, gzipped or not. */
export const UsageSource = z.object({
  format: z.enum(['ndjson', 'csv']),
  /** `auto` looks for gzip's magic bytes, so one setting reads both plain and gzipped exports. */
  gzip: z._default(z.enum(['auto', 'always', 'never']), 'auto'),
  delimiter: z._default(z.string().check(z.length(1)), ','),
  columns: z._default(UsageColumns, {
    userId: 'user_id',
    accountId: 'account_id',
    email: 'email',
    lastActiveAt: 'last_active_at',
    counters: {},
  }),
});
export type UsageSource = z.input<typeof UsageSource>;

/**
 * Which accounts count as paying, from one Salesforce account field: its value must be in `in`, or
 * must not be in `notIn` (e.g. `Plan__c` not in trial, free). Values compare trimmed and
 * case-insensitively. An account without a value, or unknown to Salesforce, is not paying: a
 * WAPU figure should not count users nobody could bill.
 */
export const PayingRule = z
  .object({
    field: z.string().check(z.minLength(1)),
    in: z.optional(z.array(z.string()).check(z.minLength(1))),
    notIn: z.optional(z.array(z.string()).check(z.minLength(1))),
  })
  .check(
    z.refine((rule) => (rule.in === undefined) !== (rule.notIn === undefined), {
      message: 'give exactly one of `in` and `notIn`',
    }),
  );
export type PayingRule = z.output<typeof PayingRule>;

/** Whether an account's Salesforce fields make it paying under the rule (undefined fields: unknown account). */
export function isPaying(rule: PayingRule, fields: Readonly<Record<string, string | null>> | undefined): boolean {
  const raw = fields?.[rule.field];
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '') return false;
  const listed = (list: readonly string[]) => list.some((entry) => entry.trim().toLowerCase() === value);
  return rule.in ? listed(rule.in) : !listed(rule.notIn ?? []);
}

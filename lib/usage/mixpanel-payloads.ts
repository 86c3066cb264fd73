import { createHash } from 'node:crypto';
import * as z from '../zod-mini.js';
import type { GroupUpdate, ProfileUpdate } from '../clients/mixpanel/types.js';
import type { AccountUsage, UserUsage } from './aggregate.js';

const PropertyName = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower snake case, at most 64 characters'));

/**
 * What the Mixpanel profiles carry of an account besides its usage: property name → Salesforce
 * account field, and how to read the field's text (numbers and booleans as such, date-times in
 * Mixpanel's date form). Example: `{ account_name: { field: 'Name' }, seats: { field:
 * 'Seats_Purchased__c', type: 'number' } }`.
 */
export const UsageProfileSettings = z.object({
  /** The group key of account group profiles (Mixpanel: Project Settings → Group Keys). */
  groupKey: z._default(z.string().check(z.minLength(1)), 'account_id'),
  accountProperties: z._default(
    z.record(
      PropertyName,
      z.object({
        field: z.string().check(z.minLength(1)),
        type: z._default(z.enum(['string', 'number', 'boolean', 'datetime']), 'string'),
      }),
    ),
    {},
  ),
});
export type UsageProfileSettings = z.input<typeof UsageProfileSettings>;

/** An account's Salesforce fields as read (field → text or null), by app account id. */
export type AccountFields = ReadonlyMap<string, Readonly<Record<string, string | null>>>;

type Values = Record<string, string | number | boolean | null>;

/**
 * One `$set` per user: the account's fields and whether it pays (fan-out, so any report can break
 * users down by plan or account) and the user's own usage. The account's activity figures stay on
 * its group profile: they move whenever any one of its users is active, and fanned out to every
 * user they would resend most profiles every night, where only the users who changed need it.
 * `$ignore_time` stays true: a nightly sync is not activity and must not move the profile's Last Seen.
 */
export function userProfileUpdates(
  users: readonly UserUsage[],
  accounts: ReadonlyMap<string, AccountUsage>,
  fields: AccountFields,
  settings: UsageProfileSettings,
): ProfileUpdate[] {
  const parsed = UsageProfileSettings.parse(settings);
  return users.map((user) => {
    const account = accounts.get(user.accountId);
    const values: Values = {
      ...accountValues(user.accountId, fields, parsed),
      account_paying: account?.paying ?? false,
      last_active_at: mixpanelDate(user.lastActiveAt),
      active_1d: user.active1d,
      active_7d: user.active7d,
      active_30d: user.active30d,
      ...user.counters,
    };
    if (user.email) values.$email = user.email;
    return { distinctId: user.userId, operation: '$set', values, ignoreTime: true };
  });
}

/** One `$set` per account on its group profile (`$group_key` = the configured key): fields, KPIs and counter sums. */
export function accountGroupUpdates(
  accounts: readonly AccountUsage[],
  fields: AccountFields,
  settings: UsageProfileSettings,
): GroupUpdate[] {
  const parsed = UsageProfileSettings.parse(settings);
  return accounts.map((account) => ({
    groupKey: parsed.groupKey,
    groupId: account.accountId,
    operation: '$set',
    values: {
      ...accountValues(account.accountId, fields, parsed),
      ...accountKpis(account),
      wapu: account.wapu,
      ...account.counters,
    },
  }));
}

/**
 * A stable fingerprint of an update (SHA-256 of its JSON with keys sorted at every level), so a
 * later run can send only what changed since the last one. Key order and object identity do not
 * matter; any change of a value, the target or the operation does.
 */
export function payloadHash(update: unknown): string {
  return createHash('sha256').update(canonicalJson(update)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function accountKpis(account: AccountUsage): Values {
  return {
    account_paying: account.paying,
    seats_used: account.seatsUsed,
    active_users_1d: account.activeUsers1d,
    active_users_7d: account.activeUsers7d,
    active_users_30d: account.activeUsers30d,
    account_last_active_at: mixpanelDate(account.lastActiveAt),
  };
}

function accountValues(accountId: string, fields: AccountFields, settings: z.output<typeof UsageProfileSettings>) {
  const held = fields.get(accountId);
  const values: Values = { account_id: accountId };
  for (const [property, { field, type }] of Object.entries(settings.accountProperties))
    values[property] = typed(held?.[field] ?? null, type);
  return values;
}

function typed(
  text: string | null,
  type: 'string' | 'number' | 'boolean' | 'datetime',
): string | number | boolean | null {
  if (text === null || text === '') return null;
  switch (type) {
    case 'number': {
      const number = Number(text);
      return Number.isFinite(number) ? number : null;
    }
    case 'boolean':
      return text.toLowerCase() === 'true';
    case 'datetime':
      return mixpanelDate(Date.parse(text));
    case 'string':
      return text;
  }
}

/**
 * Mixpanel's date form for profile properties: `YYYY-MM-DDTHH:MM:SS` in UTC, no zone suffix.
 * https://docs.mixpanel.com/docs/data-structure/property-reference/data-type#date
 */
function mixpanelDate(ms: number | null): string | null {
  return ms === null || Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 19);
}

import * as z from '../../zod-mini.js';

/** Mixpanel's `$insert_id` rule: at most 36 characters of letters, digits and dashes. */
export const InsertId = z.string().check(z.regex(/^[A-Za-z0-9-]{1,36}$/, 'must be 1–36 characters of [A-Za-z0-9-]'));

/** One event for `/import`. `time` is epoch milliseconds (Mixpanel accepts seconds or ms). */
export const MixpanelEvent = z.object({
  event: z.string().check(z.minLength(1), z.maxLength(255)),
  properties: z.catchall(
    z.object({
      time: z.number().check(z.int(), z.positive()),
      distinct_id: z.string().check(z.minLength(1)),
      $insert_id: InsertId,
    }),
    z.unknown(),
  ),
});
export type MixpanelEvent = z.infer<typeof MixpanelEvent>;

export const PROFILE_OPERATIONS = [
  '$set',
  '$set_once',
  '$add',
  '$union',
  '$append',
  '$remove',
  '$unset',
  '$delete',
] as const;

/** One `/engage` update: a user profile, one operation. */
export const ProfileUpdate = z.object({
  distinctId: z.string().check(z.minLength(1)),
  operation: z.enum(PROFILE_OPERATIONS),
  /** Properties for most operations; a list of names for `$unset`; ignored for `$delete`. */
  values: z.union([z.record(z.string(), z.unknown()), z.array(z.string())]),
  /** Keep the profile's "last seen" as it is: these updates are not user activity. */
  ignoreTime: z._default(z.boolean(), true),
});
export type ProfileUpdate = z.input<typeof ProfileUpdate>;

/** One `/groups` update: a group profile (e.g. an account), one operation. */
export const GroupUpdate = z.object({
  groupKey: z.string().check(z.minLength(1)),
  groupId: z.string().check(z.minLength(1)),
  operation: z.enum(['$set', '$set_once', '$union', '$remove', '$unset', '$delete']),
  values: z.union([z.record(z.string(), z.unknown()), z.array(z.string())]),
});
export type GroupUpdate = z.input<typeof GroupUpdate>;

/**
 * The version of the source record a profile or group update comes from (its key, e.g.
 * `Opportunity/006…`, and its `SystemModstamp`), so that an older redelivery can be refused.
 */
export const SourceVersion = z.object({
  key: z.string().check(z.minLength(1)),
  modstamp: z.string().check(z.minLength(1)),
});
export type SourceVersion = z.infer<typeof SourceVersion>;

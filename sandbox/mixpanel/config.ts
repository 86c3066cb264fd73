import { z } from 'zod';

/** A service account as Mixpanel issues it: a username and a secret, used as HTTP Basic credentials. */
export const ServiceAccount = z.object({ username: z.string().min(1), secret: z.string().min(1) });
export type ServiceAccount = z.infer<typeof ServiceAccount>;

/** Request and payload limits; defaults are the documented ones. */
export const MixpanelLimits = z.object({
  /** Events per `/import` request (docs.mixpanel.com reference/import-events). */
  maxEventsPerRequest: z.number().int().positive(),
  /** Uncompressed body bytes per `/import` request; above it the answer is 413. */
  maxBodyBytes: z.number().int().positive(),
  /** Uncompressed JSON bytes of one event or one profile update; an event must be smaller. */
  maxRecordBytes: z.number().int().positive(),
  /** An event must have fewer properties than this; nested objects fewer keys, arrays fewer elements. */
  maxProperties: z.number().int().positive(),
  /** Updates per `/engage` request (reference/user-profile-limits). */
  maxProfileUpdatesPerRequest: z.number().int().positive(),
  /** Updates per `/groups` request. */
  maxGroupUpdatesPerRequest: z.number().int().positive(),
});
export type MixpanelLimits = z.infer<typeof MixpanelLimits>;

/**
 * Rolling-window rate limit shared by `/import`, `/engage` and `/groups`. Events count records
 * (events or profile updates); leave a budget out to not limit on it.
 */
export const RateLimit = z.object({
  windowMs: z.number().int().positive(),
  maxRequests: z.number().int().positive().optional(),
  maxEvents: z.number().int().positive().optional(),
});
export type RateLimit = z.infer<typeof RateLimit>;

/**
 * Query budget of the Raw Event Export API (`GET /api/2.0/export`): documented as 60 queries per
 * hour and 3 per second (docs.mixpanel.com reference/rate-limits). Its limit on 100 concurrent
 * queries is not emulated: the emulator answers at once.
 */
export const ExportRateLimit = z.object({
  perSecond: z.number().int().positive(),
  perHour: z.number().int().positive(),
});
export type ExportRateLimit = z.infer<typeof ExportRateLimit>;

/**
 * The GDPR/CCPA API v3 of the project (docs.mixpanel.com reference/gdpr-api): the OAuth tokens it
 * takes as `Authorization: Bearer`, how long a deletion task stays pending before it completes
 * (Mixpanel takes days to weeks), and an optional request budget (documented only as "limited").
 */
export const GdprSettings = z.object({
  oauthTokens: z.array(z.string().min(1)).min(1),
  /** The Mixpanel user a task names as `requesting_user`. */
  requestingUser: z.string().min(1),
  completeAfterMs: z.number().int().nonnegative(),
  rateLimit: RateLimit.optional(),
});
export type GdprSettings = z.infer<typeof GdprSettings>;

export const MixpanelConfig = z.object({
  projectId: z.string().min(1),
  projectToken: z.string().min(1),
  serviceAccounts: z.array(ServiceAccount),
  limits: MixpanelLimits,
  rateLimit: RateLimit,
  exportRateLimit: ExportRateLimit,
  gdpr: GdprSettings,
});
export type MixpanelConfig = z.infer<typeof MixpanelConfig>;

/**
 * What a launcher needs to start the emulator with no arguments, and can print so a person can
 * point a client at it. The rate limit is the documented ~30k events/s over a rolling minute.
 */
export const defaultMixpanelConfig: MixpanelConfig = {
  projectId: '3100001',
  projectToken: 'sandbox0mixpanel0project0token00',
  serviceAccounts: [{ username: 'switchboard.sandbox.mp-service-account', secret: 'sandbox-service-account-secret' }],
  limits: {
    maxEventsPerRequest: 2000,
    maxBodyBytes: 10 * 1024 * 1024,
    maxRecordBytes: 1024 * 1024,
    maxProperties: 255,
    maxProfileUpdatesPerRequest: 2000,
    maxGroupUpdatesPerRequest: 2000,
  },
  rateLimit: { windowMs: 60_000, maxEvents: 30_000 * 60 },
  exportRateLimit: { perSecond: 3, perHour: 60 },
  gdpr: {
    oauthTokens: ['sandbox-mixpanel-gdpr-oauth-token'],
    requestingUser: 'owner@sandbox.mixpanel.invalid',
    completeAfterMs: 2000,
  },
};

import { z } from 'zod';

/**
 * The agent the emulator accepts. Zendesk takes an API token as HTTP Basic `{email}/token:{token}`
 * and an OAuth access token as `Bearer {token}` (support.zendesk.com "Authentication for API requests").
 */
export const ZendeskCredentials = z.object({
  email: z.string().min(1),
  apiToken: z.string().min(1),
  oauthToken: z.string().min(1).optional(),
});
export type ZendeskCredentials = z.infer<typeof ZendeskCredentials>;

/**
 * Request budgets. Zendesk counts requests per account per minute: Team 200, Growth/Professional
 * 400, Enterprise 700, High Volume 2,500; the incremental exports allow 10 a minute on top
 * (developer.zendesk.com api-reference/introduction/rate-limits, .../incremental_exports).
 */
export const ZendeskRateLimits = z.object({
  requestsPerWindow: z.number().int().positive(),
  incrementalRequestsPerWindow: z.number().int().positive(),
  /** Length of a rate-limit window; a minute in Zendesk, shorter in tests. */
  windowMs: z.number().int().positive(),
});
export type ZendeskRateLimits = z.infer<typeof ZendeskRateLimits>;

/** A webhook id in Zendesk's ULID form, used when the caller names none. */
export const SANDBOX_WEBHOOK_ID = '01HZSANDBXWEBH00KZENDESK01';

/** A signed webhook target the emulator notifies when seeding with `notify: true`. */
export const ZendeskWebhookTarget = z.object({
  url: z.url(),
  /** The webhook's signing secret. */
  secret: z.string().min(1),
  /** `event`: a Zendesk-event subscription; `trigger`: a trigger posting `TRIGGER_BODY_TEMPLATE`. */
  kind: z.enum(['event', 'trigger']).default('event'),
  /** Zendesk's webhook id (a ULID), sent as `X-Zendesk-Webhook-Id`. */
  webhookId: z.string().min(1).default(SANDBOX_WEBHOOK_ID),
});
export type ZendeskWebhookTarget = z.infer<typeof ZendeskWebhookTarget>;

export const ZendeskConfig = z.object({
  accountId: z.number().int().positive(),
  credentials: ZendeskCredentials,
  rateLimits: ZendeskRateLimits,
  /** Tickets per incremental export page unless `per_page` asks for fewer; Zendesk's maximum is 1000. */
  exportPageSize: z.number().int().min(1).max(1000),
  /**
   * The export hides the most recent changes and refuses a `start_time` this close to now
   * (the docs say one minute; older answers say five). 0 turns it off for tests.
   */
  exportLagSeconds: z.number().int().min(0),
  webhook: ZendeskWebhookTarget.optional(),
});
export type ZendeskConfig = z.infer<typeof ZendeskConfig>;

/** What a launcher needs to start the emulator with no arguments: an Enterprise-plan account. */
export const defaultZendeskConfig: ZendeskConfig = {
  accountId: 9_100_001,
  credentials: {
    email: 'agent@switchboard.example',
    apiToken: 'sandbox-zendesk-api-token',
    oauthToken: 'sandbox-zendesk-oauth-token',
  },
  rateLimits: { requestsPerWindow: 700, incrementalRequestsPerWindow: 10, windowMs: 60_000 },
  exportPageSize: 1000,
  exportLagSeconds: 60,
};

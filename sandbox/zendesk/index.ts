import type { z } from 'zod';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../common/emulator.js';
import { Router } from '../common/router.js';
import {
  ZendeskConfig,
  defaultZendeskConfig,
  type ZendeskCredentials,
  type ZendeskRateLimits,
  type ZendeskWebhookTarget,
} from './config.js';
import { errorBody } from './errors.js';
import { ZendeskGuard } from './guard.js';
import { addIncrementalRoutes } from './incremental.js';
import type { TicketInput, TicketPatch, UserInput } from './model.js';
import { WebhookNotifier, type WebhookDelivery } from './notifier.js';
import type { RateLimitStatus } from './rate-limit.js';
import { addRecordRoutes } from './routes-records.js';
import { seedStore, type SeedOptions, type SeedSummary } from './seed.js';
import { toTicketJson, toUserJson, type ZendeskTicket, type ZendeskUser } from './serialize.js';
import { ZendeskStore } from './store.js';

export interface ZendeskEmulatorOptions extends EmulatorOptions {
  accountId?: number;
  credentials?: ZendeskCredentials;
  rateLimits?: Partial<ZendeskRateLimits>;
  exportPageSize?: number;
  exportLagSeconds?: number;
  /** Where `notify: true` sends signed webhooks. */
  webhook?: z.input<typeof ZendeskWebhookTarget>;
  /** The emulator's clock in epoch ms (timestamps, rate-limit windows, export lag); defaults to `Date.now`. */
  now?: () => number;
  /** A data set to generate at start, as `seed()` would. */
  seedData?: SeedOptions;
}

/** `notify: true` also sends the webhook Zendesk would send for this change to the configured target. */
export interface NotifyOption {
  notify?: boolean;
}

export interface ZendeskEmulator extends RunningEmulator {
  config: ZendeskConfig;
  /** The base to give clients, e.g. node-zendesk's `endpointUri`: `http://127.0.0.1:PORT/api/v2`. */
  apiUrl: string;
  addUser(input: UserInput): ZendeskUser;
  addTicket(input: TicketInput, options?: NotifyOption): ZendeskTicket;
  /** Changes a ticket and bumps `updated_at`, so it comes up again in the incremental export. */
  updateTicket(id: number, patch: TicketPatch, options?: NotifyOption): ZendeskTicket;
  getTicket(id: number): ZendeskTicket | undefined;
  getUser(id: number): ZendeskUser | undefined;
  listTickets(): ZendeskTicket[];
  listUsers(): ZendeskUser[];
  /** Generates a reproducible data set (same seed and options, same data). */
  seed(options: SeedOptions): SeedSummary;
  rateLimitStatus(): { account: RateLimitStatus; incremental: RateLimitStatus };
  webhookDeliveries(): readonly WebhookDelivery[];
  /** Waits until every webhook queued by `notify: true` has been answered. */
  flushWebhooks(): Promise<readonly WebhookDelivery[]>;
  /** Forgets all users, tickets, webhook deliveries and spent rate-limit budget. */
  clear(): void;
}

/** Builds the full configuration from options over `defaultZendeskConfig`; throws on invalid values. */
export function zendeskConfig(options: ZendeskEmulatorOptions = {}): ZendeskConfig {
  return ZendeskConfig.parse({
    accountId: options.accountId ?? defaultZendeskConfig.accountId,
    credentials: options.credentials ?? defaultZendeskConfig.credentials,
    rateLimits: { ...defaultZendeskConfig.rateLimits, ...options.rateLimits },
    exportPageSize: options.exportPageSize ?? defaultZendeskConfig.exportPageSize,
    exportLagSeconds: options.exportLagSeconds ?? defaultZendeskConfig.exportLagSeconds,
    webhook: options.webhook,
  });
}

/**
 * Starts the Zendesk REST API v2 emulator: tickets and users (show, show_many, search), the cursor
 * incremental ticket export, API-token and OAuth auth, per-minute rate limits, and optional signed
 * webhooks for seeded changes.
 */
export async function startZendeskEmulator(options: ZendeskEmulatorOptions = {}): Promise<ZendeskEmulator> {
  const config = zendeskConfig(options);
  const now = options.now ?? Date.now;
  const store = new ZendeskStore(now);
  const guard = new ZendeskGuard(config, now);
  const notifier = new WebhookNotifier(config.webhook, config.accountId, now);
  const router = new Router();
  addRecordRoutes(router, store, guard);
  addIncrementalRoutes(router, store, guard, config);
  const clear = (): void => {
    store.clear();
    guard.reset();
    notifier.clear();
  };

  const running = await startEmulator(
    {
      name: 'zendesk',
      router,
      errorBody,
      headers: () => guard.headers(),
      reset: clear,
      state: () => ({
        accountId: config.accountId,
        ...store.counts(),
        rateLimits: guard.status(),
        webhookDeliveries: notifier.deliveries().slice(-50),
      }),
    },
    options,
  );

  const apiUrl = `${running.url}/api/v2`;
  const ticketJson = (id: number): ZendeskTicket => {
    const ticket = store.ticket(id);
    if (!ticket) throw new Error(`Zendesk emulator: no ticket ${id}`);
    return toTicketJson(ticket, apiUrl);
  };
  const userJson = (id: number): ZendeskUser => {
    const user = store.user(id);
    if (!user) throw new Error(`Zendesk emulator: no user ${id}`);
    return toUserJson(user, apiUrl);
  };
  if (options.seedData) seedStore(store, options.seedData, options.seed ?? 1);

  return {
    ...running,
    config,
    apiUrl,
    addUser: (input) => userJson(store.addUser(input).id),
    addTicket: (input, { notify = false } = {}) => {
      const ticket = ticketJson(store.addTicket(input).id);
      if (notify) notifier.ticketCreated(ticket, userJson(ticket.requester_id));
      return ticket;
    },
    updateTicket: (id, patch, { notify = false } = {}) => {
      const change = store.updateTicket(id, patch);
      const after = ticketJson(id);
      if (notify) {
        const before = toTicketJson(change.before, apiUrl);
        const comment = change.comment && { ...change.comment, author: userJson(change.comment.author_id) };
        notifier.ticketChanged({
          before,
          after,
          requester: userJson(after.requester_id),
          ...(comment ? { comment } : {}),
        });
      }
      return after;
    },
    getTicket: (id) => (store.ticket(id) ? ticketJson(id) : undefined),
    getUser: (id) => (store.user(id) ? userJson(id) : undefined),
    listTickets: () => store.allTickets().map((t) => toTicketJson(t, apiUrl)),
    listUsers: () => store.allUsers().map((u) => toUserJson(u, apiUrl)),
    seed: (seedOptions) => seedStore(store, seedOptions, options.seed ?? 1),
    rateLimitStatus: () => guard.status(),
    webhookDeliveries: () => notifier.deliveries(),
    flushWebhooks: () => notifier.flush(),
    clear,
  };
}

export { defaultZendeskConfig, SANDBOX_WEBHOOK_ID } from './config.js';
export type { ZendeskConfig, ZendeskCredentials, ZendeskRateLimits, ZendeskWebhookTarget } from './config.js';
export type { TicketInput, TicketPatch, TicketPriority, TicketStatus, TicketType, UserInput } from './model.js';
export type { ZendeskTicket, ZendeskUser, ZendeskExportedTicket } from './serialize.js';
export type { SeedOptions, SeedSummary } from './seed.js';
export type { WebhookDelivery } from './notifier.js';
export type { RateLimitStatus } from './rate-limit.js';
export { MAX_SHOW_MANY_IDS } from './routes-records.js';
export { signWebhook, formatSignatureTimestamp, type WebhookSignatureHeaders } from './webhook-signature.js';
export { sendWebhook, webhookHeaders, type SendWebhookOptions, type WebhookResponse } from './webhook-sender.js';
export {
  buildTicketEvent,
  ticketEventDetail,
  type TicketEventChange,
  type TicketEventDetail,
  type ZendeskTicketEvent,
} from './ticket-events.js';
export { TRIGGER_BODY_TEMPLATE, renderTriggerBody, placeholderValues } from './trigger-body.js';

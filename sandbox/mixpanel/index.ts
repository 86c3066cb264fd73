import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../common/emulator.js';
import { Router, type RouteHandler } from '../common/router.js';
import {
  defaultMixpanelConfig,
  MixpanelConfig,
  type ExportRateLimit,
  type GdprSettings,
  type MixpanelLimits,
  type RateLimit,
  type ServiceAccount,
} from './config.js';
import type { DeletionTask } from './deletions.js';
import type { StoredEvent } from './event-store.js';
import { ExportRateLimiter, exportHandler } from './export-route.js';
import { createDeletionHandler, deletionStatusHandler } from './gdpr-route.js';
import { importHandler } from './import-route.js';
import { inspectionRoutes } from './inspection.js';
import { profileHandler } from './profile-route.js';
import type { GroupProfile, Profile } from './profile-store.js';
import { MixpanelProject, type MixpanelStats } from './project.js';
import { importError } from './responses.js';
import { validateEvent } from './validate-event.js';

export {
  defaultMixpanelConfig,
  type ExportRateLimit,
  type MixpanelConfig,
  type MixpanelLimits,
  type RateLimit,
  type ServiceAccount,
} from './config.js';
export type { DeletionTask } from './deletions.js';
export type { StoredEvent } from './event-store.js';
export type { GroupProfile, Profile } from './profile-store.js';
export type { MixpanelStats } from './project.js';
export type { FailedRecord } from './responses.js';
export { PLACEHOLDER_IDS } from './validate-event.js';

export interface MixpanelEmulatorOptions extends EmulatorOptions {
  projectId?: string;
  projectToken?: string;
  serviceAccounts?: ServiceAccount[];
  limits?: Partial<MixpanelLimits>;
  rateLimit?: RateLimit;
  /** Query budget of `GET /api/2.0/export` (default: the documented 3 per second, 60 per hour). */
  exportRateLimit?: ExportRateLimit;
  /** The GDPR API's OAuth tokens, task completion delay and budget, over the defaults. */
  gdpr?: Partial<GdprSettings>;
  /** Epoch-ms clock for time validation, Last Seen and the rate window (default `Date.now`). */
  clock?: () => number;
}

/** An event to seed, as `/import` takes it; it must pass the strict-mode rules. */
export interface SeedEvent {
  event: string;
  properties: Record<string, unknown>;
}

export interface MixpanelEmulator extends RunningEmulator {
  readonly config: MixpanelConfig;
  /** Held events (deduplicated, `time` in ms, no `ip`), optionally of one `distinct_id`. */
  events(distinctId?: string): StoredEvent[];
  eventsByName(name: string): StoredEvent[];
  profile(distinctId: string): Profile | undefined;
  profiles(): Profile[];
  group(groupKey: string, groupId: string): GroupProfile | undefined;
  groups(): GroupProfile[];
  /** A task of the GDPR API (`/api/app/data-deletions/v3.0/`), settled as of now. */
  deletionTask(trackingId: string): DeletionTask | undefined;
  /** Completes every pending deletion task now, as if Mixpanel had run them. */
  completeDeletions(): void;
  /** Import and update counters plus held counts; also served at `GET /__sandbox/state`. */
  stats(): MixpanelStats;
  /** Stores events as if imported earlier, without touching the counters; throws on an invalid one. */
  seedEvents(events: SeedEvent[]): void;
  /** `$set`s properties on a user profile without touching Last Seen or the counters. */
  seedProfile(distinctId: string, properties: Record<string, unknown>): void;
  seedGroup(groupKey: string, groupId: string, properties: Record<string, unknown>): void;
  /** Forgets events, profiles, counters and the rate windows (call counters: `resetCalls`). */
  reset(): void;
}

/** Merges options over the defaults and validates the result (a bad option fails naming itself). */
export function mixpanelConfig(options: MixpanelEmulatorOptions = {}): MixpanelConfig {
  const base = defaultMixpanelConfig;
  return MixpanelConfig.parse({
    projectId: options.projectId ?? base.projectId,
    projectToken: options.projectToken ?? base.projectToken,
    serviceAccounts: options.serviceAccounts ?? base.serviceAccounts,
    limits: { ...base.limits, ...options.limits },
    rateLimit: options.rateLimit ?? base.rateLimit,
    exportRateLimit: options.exportRateLimit ?? base.exportRateLimit,
    gdpr: { ...base.gdpr, ...options.gdpr },
  });
}

/**
 * Starts an emulated Mixpanel project serving `POST /import`, `/engage` and `/groups` (also `GET`
 * with `?data=`), the raw export `GET /api/2.0/export` and the GDPR API's deletion tasks under
 * `/api/app/data-deletions/v3.0/` on loopback. Point a client at `emulator.url` in place of
 * `https://api.mixpanel.com` and `https://data.mixpanel.com`, and `${emulator.url}/api/app` in
 * place of `https://mixpanel.com/api/app`.
 */
export async function startMixpanelEmulator(options: MixpanelEmulatorOptions = {}): Promise<MixpanelEmulator> {
  const config = mixpanelConfig(options);
  const project = new MixpanelProject(config, options.clock ?? Date.now);
  const exportLimiter = new ExportRateLimiter(config.exportRateLimit, project.clock);
  const reset = (): void => {
    project.reset();
    exportLimiter.clear();
  };
  // Deletion tasks that came due are applied before any call reads or writes the project's data.
  const settled =
    (handler: RouteHandler): RouteHandler =>
    (req) => {
      project.settle();
      return handler(req);
    };
  const settledRead = <T>(read: () => T): T => {
    project.settle();
    return read();
  };
  const router = new Router()
    .add('POST', '/import', 'import', settled(importHandler(project)))
    .add('POST', '/engage', 'engage', settled(profileHandler(project, 'user')))
    .add('GET', '/engage', 'engage', settled(profileHandler(project, 'user')))
    .add('POST', '/groups', 'groups', settled(profileHandler(project, 'group')))
    .add('GET', '/groups', 'groups', settled(profileHandler(project, 'group')))
    .add('GET', '/api/2.0/export', 'export', settled(exportHandler(project, exportLimiter)))
    .add('POST', '/api/app/data-deletions/v3.0', 'gdpr.deletion', settled(createDeletionHandler(project)))
    .add('GET', '/api/app/data-deletions/v3.0/:trackingId', 'gdpr.status', settled(deletionStatusHandler(project)));

  const running = await startEmulator(
    {
      name: 'mixpanel',
      router,
      inspection: inspectionRoutes(project),
      state: () => ({ projectId: config.projectId, ...project.stats() }),
      errorBody: (status, message) => importError(status, message).body,
      reset,
    },
    options,
  );

  return {
    ...running,
    config,
    events: (distinctId) => settledRead(() => structuredClone(project.events.list(distinctId))),
    eventsByName: (name) => settledRead(() => structuredClone(project.events.byName(name))),
    profile: (distinctId) => settledRead(() => project.profiles.user(distinctId)),
    profiles: () => settledRead(() => project.profiles.allUsers()),
    deletionTask: (trackingId) => settledRead(() => project.deletions.get(trackingId)),
    completeDeletions: () => project.deletions.settle(Number.POSITIVE_INFINITY),
    group: (groupKey, groupId) => project.profiles.group(groupKey, groupId),
    groups: () => project.profiles.allGroups(),
    stats: () => project.stats(),
    seedEvents: (events) => {
      const now = project.clock();
      const valid = events.map((event, index) => {
        const result = validateEvent(event, config.limits, now, true);
        if (!result.ok) throw new Error(`seedEvents[${index}]: ${result.message}`);
        return result.value;
      });
      for (const event of valid) project.events.add(event, now);
    },
    seedProfile: (distinctId, properties) => project.profiles.applyToUser(distinctId, '$set', properties, undefined),
    seedGroup: (groupKey, groupId, properties) => project.profiles.applyToGroup(groupKey, groupId, '$set', properties),
    reset,
  };
}

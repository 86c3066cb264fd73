import type { MixpanelConfig } from './config.js';
import { DeletionTasks } from './deletions.js';
import { EventStore } from './event-store.js';
import { ProfileStore } from './profile-store.js';
import { RateLimiter, type RateUsage } from './rate-limit.js';

const ZERO_COUNTERS = {
  /** Sum of `num_records_imported` over all answers: duplicates included, as Mixpanel counts them. */
  importedRecords: 0,
  /** Imported records that matched a held event and replaced it. */
  duplicateRecords: 0,
  /** Records listed in `failed_records` (strict mode). */
  failedRecords: 0,
  /** Invalid records dropped without a report (non-strict mode). */
  droppedRecords: 0,
  /** Profile and group updates applied. */
  profileUpdates: 0,
  groupUpdates: 0,
  /** Malformed updates (answered `0` when none of the batch was valid). */
  invalidUpdates: 0,
  /** Well-formed updates with another project's `$token`: answered `1` but never applied. */
  droppedUpdates: 0,
  /** Calls refused with 429. */
  rateLimited: 0,
};

export type Counters = typeof ZERO_COUNTERS;

/** Counters plus what is held, as `stats()` and `GET /__sandbox/state` report them. */
export interface MixpanelStats extends Counters {
  storedEvents: number;
  profiles: number;
  /** Tasks of the GDPR API, pending or completed. */
  deletionTasks: number;
  groups: number;
  rateWindow: RateUsage;
}

/** Everything one emulated Mixpanel project holds: events, profiles, counters and its rate budget. */
export class MixpanelProject {
  readonly events = new EventStore();
  readonly profiles = new ProfileStore();
  readonly limiter: RateLimiter;
  readonly deletions: DeletionTasks;
  /** The GDPR API's own budget, when one is set. */
  readonly gdprLimiter: RateLimiter | undefined;
  private counters: Counters = { ...ZERO_COUNTERS };

  constructor(
    readonly config: MixpanelConfig,
    readonly clock: () => number,
  ) {
    this.limiter = new RateLimiter(config.rateLimit, clock);
    this.deletions = new DeletionTasks(this.events, this.profiles, config.gdpr.completeAfterMs);
    this.gdprLimiter = config.gdpr.rateLimit && new RateLimiter(config.gdpr.rateLimit, clock);
  }

  /** Applies the deletion tasks that are due: call before reading events or profiles. */
  settle(): void {
    this.deletions.settle(this.clock());
  }

  count(counter: keyof Counters, by = 1): void {
    this.counters[counter] += by;
  }

  stats(): MixpanelStats {
    this.settle();
    return {
      ...this.counters,
      storedEvents: this.events.size,
      profiles: this.profiles.userCount,
      deletionTasks: this.deletions.size,
      groups: this.profiles.groupCount,
      rateWindow: this.limiter.usage(),
    };
  }

  /** Forgets all data, counters and the rate window. */
  reset(): void {
    this.events.clear();
    this.profiles.clear();
    this.limiter.clear();
    this.gdprLimiter?.clear();
    this.deletions.clear();
    this.counters = { ...ZERO_COUNTERS };
  }
}

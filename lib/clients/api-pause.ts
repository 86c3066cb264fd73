import { RetryableError } from '../errors.js';
import { logger, metrics, MetricUnit } from '../observability.js';
import { BACKOFF, exponentialSeconds } from '../sqs/backoff.js';
import { ConditionFailed, type StateItem, type StateKey, type StateStore } from './state-store.js';

/** How long a container trusts its last read of the pause: about one batch. */
const DEFAULT_CACHE_MS = 1000;
// An item nothing refreshes goes away a day after its pause ends.
const KEEP_SECONDS = 24 * 60 * 60;

/** The pause item's attributes. */
export interface PauseItem {
  pausedUntil?: number;
  /** Consecutive 429s: a success clears them. */
  strikes?: number;
}

/**
 * A vendor's rate limit as every consumer container sees it: one state-store item per API
 * (`api#pause#<api>` / `pause`) with `pausedUntil` and the count of consecutive 429s. A 429 seen
 * by one container pauses the API for all of them; before calling, a batch checks the pause
 * (one read, cached for about a batch) and while it lasts fails retryable with the remaining time.
 */
export class ApiPause {
  private readonly key: StateKey;
  private readonly clock: () => number;
  private readonly cacheMs: number;
  private cached: { pause: PauseItem; readAt: number } | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly api: string,
    options: { clock?: () => number; cacheMs?: number } = {},
  ) {
    this.key = apiPauseKey(api);
    this.clock = options.clock ?? Date.now;
    this.cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
  }

  /** The failure every call of a batch gets while the API is paused; undefined when it is not. */
  async refusal(): Promise<RetryableError | undefined> {
    const now = this.clock();
    if (!this.cached || now - this.cached.readAt >= this.cacheMs) this.remember(await this.store.get(this.key));
    const until = this.cached?.pause.pausedUntil ?? 0;
    if (until <= now) return undefined;
    metrics.addMetric('ApiPauseRefusals', MetricUnit.Count, 1);
    const seconds = Math.ceil((until - now) / 1000);
    return new RetryableError(
      `${this.api} is rate limited for every consumer until ${new Date(until).toISOString()}: no call made, ` +
        `retry in ${seconds} s`,
      { retryAfterSeconds: seconds },
    );
  }

  /**
   * A 429: pauses the API for every container, for `Retry-After` when the vendor sent one, else
   * by the back-off schedule of the consecutive 429s. A longer pause already set stands. Never throws.
   */
  async rateLimited(retryAfterSeconds?: number): Promise<void> {
    const now = this.clock();
    try {
      const struck = await this.store.update(this.key, { add: { strikes: 1 }, returnValues: 'ALL_NEW' });
      const strikes = Number(struck.strikes ?? 1);
      // Without a `Retry-After`: Mixpanel's schedule, 2 s doubling per consecutive 429 to 60 s.
      const seconds = retryAfterSeconds ?? exponentialSeconds(strikes, BACKOFF.mixpanel);
      const until = now + seconds * 1000;
      this.remember(
        await this.store
          .update(this.key, {
            set: { pausedUntil: until, expiresAt: Math.ceil(until / 1000) + KEEP_SECONDS },
            condition: { atMost: { pausedUntil: until } },
            returnValues: 'ALL_NEW',
          })
          .catch((error: unknown) => {
            if (error instanceof ConditionFailed) return this.store.get(this.key);
            throw error;
          }),
      );
      logger.warn('API paused for every consumer after a 429', { api: this.api, seconds, strikes });
      metrics.addMetric('ApiPauses', MetricUnit.Count, 1);
    } catch (error) {
      logger.warn('API pause not recorded', { api: this.api, error: (error as Error).message });
    }
  }

  /** A call went through: the next 429 starts the schedule again. One write, only when there were strikes. */
  async succeeded(): Promise<void> {
    if (!this.cached?.pause.strikes) return;
    try {
      await this.store.update(this.key, { set: { strikes: 0 } });
      this.cached.pause.strikes = 0;
    } catch (error) {
      logger.warn('API strikes not cleared', { api: this.api, error: (error as Error).message });
    }
  }

  private remember(item: StateItem | undefined): void {
    this.cached = { pause: { ...(item as PauseItem | undefined) }, readAt: this.clock() };
  }
}

/** The state-store key of an API's shared pause (`mixpanel`, `zendesk`). */
export function apiPauseKey(api: string): StateKey {
  return { pk: `api#pause#${api}`, sk: 'pause' };
}

/** Whether an outcome is a vendor's 429. */
export function isRateLimited(outcome: unknown): outcome is RetryableError {
  return outcome instanceof RetryableError && outcome.rateLimited;
}

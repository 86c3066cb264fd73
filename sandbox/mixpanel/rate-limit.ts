import type { RateLimit } from './config.js';

/** Requests and records admitted within the current rolling window. */
export interface RateUsage {
  requests: number;
  events: number;
}

/**
 * A rolling-window budget of requests and records, measured the way Mixpanel states its limit
 * ("on a rolling 1 minute basis", reference/import-events "Rate Limits"). Refused calls do not count.
 */
export class RateLimiter {
  private admitted: { at: number; events: number }[] = [];

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number,
  ) {}

  /** Admits a call carrying `events` records, or returns false when it would exceed the budget. */
  tryAdmit(events: number): boolean {
    const usage = this.usage();
    if (this.limit.maxRequests !== undefined && usage.requests + 1 > this.limit.maxRequests) return false;
    if (this.limit.maxEvents !== undefined && usage.events + events > this.limit.maxEvents) return false;
    this.admitted.push({ at: this.clock(), events });
    return true;
  }

  usage(): RateUsage {
    const since = this.clock() - this.limit.windowMs;
    this.admitted = this.admitted.filter((call) => call.at > since);
    return { requests: this.admitted.length, events: this.admitted.reduce((sum, call) => sum + call.events, 0) };
  }

  clear(): void {
    this.admitted = [];
  }
}

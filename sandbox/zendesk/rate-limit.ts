/** The state of one budget, as the rate-limit headers report it. */
export interface RateLimitStatus {
  limit: number;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSeconds: number;
}

/**
 * A per-minute request budget in fixed windows: Zendesk reports "requests remaining for the current
 * minute" and, once spent, asks callers to wait with `Retry-After` until the window turns.
 */
export class FixedWindowLimiter {
  private windowStart = 0;
  private used = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly nowMs: () => number,
  ) {}

  /** Counts one request; false when the window's budget is already spent. */
  take(): boolean {
    this.roll();
    if (this.used >= this.limit) return false;
    this.used += 1;
    return true;
  }

  /** The budget left in the current window, without spending any. */
  status(): RateLimitStatus {
    this.roll();
    const msLeft = this.windowStart + this.windowMs - this.nowMs();
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - this.used),
      resetSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
    };
  }

  reset(): void {
    this.windowStart = 0;
    this.used = 0;
  }

  private roll(): void {
    const now = this.nowMs();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
  }
}

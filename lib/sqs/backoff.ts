/** How long a retryable failure waits before the next delivery. */
export interface BackoffOptions {
  baseSeconds: number;
  maxSeconds: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseSeconds: 2, maxSeconds: 300 };

/**
 * Exponential back-off with jitter for the `receiveCount`-th failed delivery: base × 2^(n-1),
 * capped, plus up to 20 % jitter so retries of one batch spread out. A vendor's `Retry-After`
 * is a floor, not a suggestion.
 */
export function retryDelaySeconds(
  receiveCount: number,
  retryAfterSeconds: number | undefined,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(options.maxSeconds, options.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
  const withJitter = exponential + exponential * 0.2 * random();
  return Math.ceil(Math.max(withJitter, retryAfterSeconds ?? 0));
}

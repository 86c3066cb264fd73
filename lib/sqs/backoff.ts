/** How long a retryable failure waits before the next delivery. */
export interface BackoffOptions {
  baseSeconds: number;
  /** The exponential part stops growing here; jitter comes on top. */
  maxSeconds: number;
  /** Uniform random seconds added to every delay, so retries of one batch spread out. */
  jitterSeconds: { min: number; max: number };
}

/**
 * Per-API back-off. Mixpanel documents 2 s doubling to 60 s plus 1–5 s of jitter
 * (docs.mixpanel.com, import-events rate limits); Salesforce and Zendesk publish no schedule,
 * so they grow to 5 minutes, and a `Retry-After` they send always wins.
 */
export const BACKOFF = {
  mixpanel: { baseSeconds: 2, maxSeconds: 60, jitterSeconds: { min: 1, max: 5 } },
  salesforce: { baseSeconds: 2, maxSeconds: 300, jitterSeconds: { min: 1, max: 5 } },
  zendesk: { baseSeconds: 2, maxSeconds: 300, jitterSeconds: { min: 1, max: 5 } },
} as const satisfies Record<string, BackoffOptions>;

export const DEFAULT_BACKOFF: BackoffOptions = BACKOFF.salesforce;

/** base × 2^(n-1) seconds for the n-th consecutive failure, capped at `maxSeconds`; no jitter. */
export function exponentialSeconds(
  failures: number,
  options: Pick<BackoffOptions, 'baseSeconds' | 'maxSeconds'>,
): number {
  return Math.min(options.maxSeconds, options.baseSeconds * 2 ** Math.max(0, failures - 1));
}

/**
 * The delay before the delivery after the `receiveCount`-th failed one, in whole seconds (what
 * SQS visibility takes): base × 2^(n-1), capped, plus jitter drawn in whole seconds so that the
 * rounding cannot erase it. A vendor's `Retry-After` is a floor, jittered the same way.
 */
export function retryDelaySeconds(
  receiveCount: number,
  retryAfterSeconds: number | undefined,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const floor = Math.max(exponentialSeconds(receiveCount, options), retryAfterSeconds ?? 0);
  const { min, max } = options.jitterSeconds;
  const jitter = min + Math.floor(random() * (max - min + 1));
  return Math.ceil(floor) + jitter;
}

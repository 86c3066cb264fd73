/**
 * The two kinds of failure every consumer distinguishes. Vendor responses are classified into
 * these inside the client adapters; handlers never look at vendor status codes.
 */

/** Worth trying again later: timeouts, 429, 5xx, row locks, a spent daily budget. */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  /** How long the vendor asked us to wait, when it said (e.g. `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;
  /** The vendor's rate limit answered (429): it holds for every caller of that API, not only this one. */
  readonly rateLimited: boolean;

  constructor(message: string, options: { retryAfterSeconds?: number; rateLimited?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.rateLimited = options.rateLimited ?? false;
  }
}

/** Retrying cannot help: invalid input, an unknown field, a record the vendor rejected. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  /** A short machine-readable reason kept with a dead-lettered message (e.g. `INVALID_FIELD`). */
  readonly code: string;
  /**
   * What to dead-letter in place of the message, when part of it succeeded: the part that failed
   * (e.g. the refused events of a pack whose others were imported), so a redrive sends only that.
   */
  readonly remainder: { body: string; attributes: Record<string, string> } | undefined;

  constructor(
    message: string,
    options: { code?: string; cause?: unknown; remainder?: { body: string; attributes: Record<string, string> } } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 'PERMANENT_ERROR';
    this.remainder = options.remainder;
  }
}

/** An HTTP request the hub refuses, with the status and a message a person can act on. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Unknown errors (bugs, network surprises) are retried; only a `PermanentError` is not. */
export function isPermanent(error: unknown): error is PermanentError {
  return error instanceof PermanentError;
}

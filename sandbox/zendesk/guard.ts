import type { RouteHandler, SandboxRequest } from '../common/router.js';
import type { ZendeskConfig } from './config.js';
import { rateLimited, unauthorized } from './errors.js';
import { FixedWindowLimiter, type RateLimitStatus } from './rate-limit.js';

/** Authentication and the per-account and per-endpoint budgets every API route passes first. */
export class ZendeskGuard {
  private readonly account: FixedWindowLimiter;
  private readonly incremental: FixedWindowLimiter;

  constructor(
    private readonly config: ZendeskConfig,
    nowMs: () => number,
  ) {
    const { requestsPerWindow, incrementalRequestsPerWindow, windowMs } = config.rateLimits;
    this.account = new FixedWindowLimiter(requestsPerWindow, windowMs, nowMs);
    this.incremental = new FixedWindowLimiter(incrementalRequestsPerWindow, windowMs, nowMs);
  }

  /** Wraps a route: 401 without valid credentials, 429 once a budget is spent. */
  protect(handler: RouteHandler, budget: 'account' | 'incremental' = 'account'): RouteHandler {
    return (req) => {
      if (!this.authenticated(req)) return unauthorized();
      if (!this.account.take()) return rateLimited(this.account.status().resetSeconds);
      if (budget === 'incremental' && !this.incremental.take())
        return rateLimited(this.incremental.status().resetSeconds);
      return handler(req);
    };
  }

  /** The account-wide headers Zendesk puts on every answer (api-reference/introduction/rate-limits). */
  headers(): Record<string, string> {
    const { limit, remaining, resetSeconds } = this.account.status();
    return {
      'x-rate-limit': String(limit),
      'x-rate-limit-remaining': String(remaining),
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(remaining),
      'ratelimit-reset': String(resetSeconds),
    };
  }

  /** Both budgets, for inspection and tests. */
  status(): { account: RateLimitStatus; incremental: RateLimitStatus } {
    return { account: this.account.status(), incremental: this.incremental.status() };
  }

  reset(): void {
    this.account.reset();
    this.incremental.reset();
  }

  private authenticated(req: SandboxRequest): boolean {
    const header = req.headers.authorization ?? '';
    const [scheme = '', value = ''] = header.split(' ');
    const { email, apiToken, oauthToken } = this.config.credentials;
    if (scheme.toLowerCase() === 'bearer') return oauthToken !== undefined && value === oauthToken;
    if (scheme.toLowerCase() !== 'basic') return false;
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const separator = decoded.indexOf('/token:');
    if (separator < 0) return false;
    return (
      decoded.slice(0, separator).toLowerCase() === email.toLowerCase() &&
      decoded.slice(separator + '/token:'.length) === apiToken
    );
  }
}

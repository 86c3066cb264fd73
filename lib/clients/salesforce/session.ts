// The two classes the session uses, not the package's index: that one also loads the Bulk, SOAP,
// Metadata, Streaming and other APIs, which the hub never calls, and would triple a bundle's size.
import { Connection } from 'jsforce/lib/connection.js';
import { OAuth2 } from 'jsforce/lib/oauth2.js';
import type { HttpRequest, HttpRequestOptions, HttpResponse, TokenResponse } from 'jsforce';
import { PermanentError, RetryableError } from '../../errors.js';
import {
  BudgetSpent,
  CONCURRENCY_PAUSE_SECONDS,
  type BudgetLedger,
  type BudgetPriority,
  type Reservation,
} from './budget-ledger.js';
import type { SalesforceConfig } from './config.js';
import type { ApiUsage } from './gateway.js';
import { describeTokenFailure, withTimeout } from './token-request.js';
import { isTransientStatus } from './transient-status.js';

/** A spent daily allocation frees up slowly (rolling 24 h): wait minutes, not seconds. */
export const DAILY_LIMIT_RETRY_SECONDS = 900;
/** Too many long-running requests in flight: those finish within a minute or so. */
export const CONCURRENCY_LIMIT_RETRY_SECONDS = CONCURRENCY_PAUSE_SECONDS;
const DEFAULT_TIMEOUT_MS = 30_000;

type Attempt<T> =
  | { ok: true; value: T; headers: Record<string, string> }
  | { ok: false; expired: boolean; error: RetryableError | PermanentError };

/** A successful answer with its headers (lower-case names), for resources that page through headers. */
export interface Exchange<T> {
  body: T;
  headers: Record<string, string>;
}

/** How jsforce should read the answer: `text/plain` keeps a CSV body as text instead of parsing it. */
interface ExchangeOptions {
  responseType?: string;
}

/** The org-wide budget every call of this session reserves from, and at which priority. */
export interface SessionBudget {
  ledger: BudgetLedger;
  priority: BudgetPriority;
}

/** jsforce's `HttpApiError`: the first `{errorCode, message}` of a REST error body. */
function isApiError(error: unknown): error is Error & { errorCode: string } {
  return error instanceof Error && typeof (error as { errorCode?: unknown }).errorCode === 'string';
}

/**
 * One Salesforce session per container: a client-credentials token obtained on first use and
 * cached, REST calls through jsforce without its sleeping retries, one re-auth and retry on
 * `401 INVALID_SESSION_ID`, every failure classified, and the latest `Sforce-Limit-Info` kept.
 * With a `budget`, every REST or Bulk API call first reserves one call from the org's shared
 * ledger (token requests do not count) and every answer's `Sforce-Limit-Info` is recorded there.
 */
export class SalesforceSession {
  private readonly oauth2: OAuth2;
  private readonly timeoutMs: number;
  private pending: Promise<Connection> | undefined;
  private settled: Connection | undefined;
  private usage: ApiUsage | undefined;
  /** Receives the answer to the token request being sent, to explain a refusal. */
  private tokenAnswer: { response?: HttpResponse } = {};
  /** Failures no later call of the same batch can escape (token refused, daily budget spent). */
  private readonly orgWide = new WeakSet<Error>();
  private readonly budget: SessionBudget | undefined;

  constructor(
    private readonly config: SalesforceConfig,
    options: { timeoutMs?: number; budget?: SessionBudget } = {},
  ) {
    this.budget = options.budget;
    this.oauth2 = new OAuth2({
      loginUrl: config.loginUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
    });
    // jsforce's token error carries neither the status nor a body other than an OAuth error: observe them.
    const transport = this.oauth2._transport;
    const send = transport.httpRequest.bind(transport);
    transport.httpRequest = (req, options) => {
      const answer = this.tokenAnswer;
      const sent = send(req, options);
      sent.then(
        (response) => (answer.response = response),
        () => undefined,
      );
      return sent;
    };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  apiUsage(): ApiUsage | undefined {
    return this.usage ? { ...this.usage } : undefined;
  }

  /** Whether a failure will repeat for every other call made now, so a batch can stop early. */
  isOrgWide(error: Error): boolean {
    return this.orgWide.has(error);
  }

  /**
   * Sends one REST request (path relative to `/services/data/vXX.X`, or from `/services`); throws a classified
   * error.
   */
  async request<T>(request: HttpRequest): Promise<T> {
    return (await this.exchange<T>(request)).body;
  }

  /** `request`, keeping the answer's headers (e.g. Bulk API 2.0's `Sforce-Locator`). */
  async exchange<T>(request: HttpRequest, options: ExchangeOptions = {}): Promise<Exchange<T>> {
    const conn = await this.connection();
    const first = await this.attempt<T>(conn, request, options);
    if (first.ok) return { body: first.value, headers: first.headers };
    if (!first.expired) throw first.error;
    const second = await this.attempt<T>(await this.renew(conn), request, options);
    if (second.ok) return { body: second.value, headers: second.headers };
    if (second.expired)
      throw this.markOrgWide(
        new RetryableError('Salesforce refused a freshly issued token (401 INVALID_SESSION_ID)', {
          cause: second.error,
        }),
      );
    throw second.error;
  }

  private async attempt<T>(conn: Connection, request: HttpRequest, options: ExchangeOptions): Promise<Attempt<T>> {
    const reservation = await this.reserve();
    // jsforce's HttpApiError carries the errorCode but not the HTTP status; observe it on the transport.
    let status: number | undefined;
    let headers: Record<string, string> = {};
    const base = conn._transport;
    const transport = {
      httpRequest: (req: HttpRequest, options?: HttpRequestOptions) => {
        const sent = base.httpRequest(req, options);
        sent.then(
          (response) => {
            status = response.statusCode;
            headers = response.headers;
          },
          () => undefined,
        );
        return sent;
      },
    };
    try {
      // No sleeping retries inside jsforce (it retries GETs on 5xx for up to ~15 s): the queue backs off.
      const value = await conn.request<T>(request, {
        transport,
        timeout: this.timeoutMs,
        retry: { maxRetries: 0, methods: [] },
        ...(options.responseType ? { responseType: options.responseType } : {}),
      });
      return { ok: true, value, headers };
    } catch (error) {
      const failure = this.classify(error, status, headers);
      if (this.budget && failure instanceof RetryableError && isLimitExceeded(error))
        await this.budget.ledger.pause(this.orgWide.has(failure) ? 'daily' : 'concurrency');
      return { ok: false, expired: status === 401, error: failure };
    } finally {
      const seen = usageOf(headers);
      if (seen) {
        this.usage = seen;
        if (this.budget && reservation) await this.budget.ledger.observe(reservation, seen);
      }
    }
  }

  /** One call from the shared budget; a refusal or an unreadable ledger stops the whole batch. */
  private async reserve(): Promise<Reservation | undefined> {
    if (!this.budget) return undefined;
    try {
      return await this.budget.ledger.reserve(this.budget.priority);
    } catch (error) {
      if (error instanceof BudgetSpent) throw this.markOrgWide(error);
      throw this.markOrgWide(
        new RetryableError(`The Salesforce budget ledger could not be read: ${(error as Error).message}`, {
          cause: error,
        }),
      );
    }
  }

  /** Whole-call failures: limits, 401, 5xx and no answer are retryable; other 4xx are permanent. */
  private classify(
    error: unknown,
    status: number | undefined,
    headers: Record<string, string>,
  ): RetryableError | PermanentError {
    if (!isApiError(error) || status === undefined) {
      return new RetryableError(
        `Salesforce did not answer: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const message = `Salesforce answered ${status} ${error.errorCode}: ${error.message}`;
    if (error.errorCode === 'REQUEST_LIMIT_EXCEEDED') {
      const seen = usageOf(headers) ?? this.usage;
      const daily = /TotalRequests/i.test(error.message) || (seen !== undefined && seen.used >= seen.max);
      const retry = new RetryableError(message, {
        cause: error,
        retryAfterSeconds: daily
          ? (this.budget?.ledger.spentWaitSeconds ?? DAILY_LIMIT_RETRY_SECONDS)
          : CONCURRENCY_LIMIT_RETRY_SECONDS,
      });
      return daily ? this.markOrgWide(retry) : retry;
    }
    if (status === 401 || isTransientStatus(status)) return new RetryableError(message, { cause: error });
    return new PermanentError(message, { code: error.errorCode, cause: error });
  }

  private connection(): Promise<Connection> {
    this.pending ??= this.authorize().then(
      (conn) => (this.settled = conn),
      (error: unknown) => {
        this.pending = undefined;
        throw error;
      },
    );
    return this.pending;
  }

  /** A new token unless another call already replaced the stale one (concurrent 401s share one token request). */
  private renew(stale: Connection): Promise<Connection> {
    if (this.settled === stale) {
      this.settled = undefined;
      this.pending = undefined;
    }
    return this.connection();
  }

  private async authorize(): Promise<Connection> {
    let token: TokenResponse;
    const answer: { response?: HttpResponse } = {};
    this.tokenAnswer = answer;
    try {
      token = await withTimeout(this.oauth2.requestToken({ grant_type: 'client_credentials' }), this.timeoutMs);
    } catch (error) {
      // A refused client, a concurrent-refresh 400 or an outage: all retryable
      // (a rotated secret is usually fixed soon).
      const reason = describeTokenFailure(error, answer.response);
      throw this.markOrgWide(new RetryableError(`Salesforce token request failed: ${reason}`, { cause: error }));
    }
    return new Connection({
      instanceUrl: token.instance_url,
      accessToken: token.access_token,
      version: this.config.apiVersion,
    });
  }

  private markOrgWide<E extends Error>(error: E): E {
    this.orgWide.add(error);
    return error;
  }
}

/** `Sforce-Limit-Info: api-usage=used/max` of one answer (errors included), when it carries one. */
function usageOf(headers: Record<string, string>): ApiUsage | undefined {
  const match = /api-usage=(\d+)\/(\d+)/.exec(headers['sforce-limit-info'] ?? '');
  return match ? { used: Number(match[1]), max: Number(match[2]) } : undefined;
}

function isLimitExceeded(error: unknown): boolean {
  return isApiError(error) && error.errorCode === 'REQUEST_LIMIT_EXCEEDED';
}

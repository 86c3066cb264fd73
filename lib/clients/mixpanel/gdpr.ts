import { setTimeout as sleepMs } from 'node:timers/promises';
import { PermanentError, RetryableError } from '../../errors.js';
import { BACKOFF, exponentialSeconds } from '../../sqs/backoff.js';
import { describe, readJson } from './client.js';
import type { MixpanelGdprConfig } from './config.js';

/** Distinct ids one deletion request may name (docs.mixpanel.com privacy/end-user-data-management). */
export const MAX_DELETION_IDS = 2000;

export type ComplianceType = 'GDPR' | 'CCPA';

/** A deletion task as `GET /data-deletions/v3.0/{tracking_id}` reports it (openapi DeletionJobResult). */
export interface DeletionTask {
  trackingId: string;
  /** PENDING, STAGING, STARTED, SUCCESS, FAILURE, REVOKED, NOT_FOUND or UNKNOWN. */
  status: string;
  complianceType: string;
  distinctIds: string[];
  requestedAt: string | undefined;
}

/** Only SUCCESS means the data is gone; FAILURE, REVOKED and NOT_FOUND will not get there. */
export const FINISHED_DELETION_STATUSES = ['SUCCESS', 'FAILURE', 'REVOKED', 'NOT_FOUND'] as const;

const REQUEST_TIMEOUT_MS = 30_000;

export interface GdprClientOptions {
  fetchImpl?: typeof fetch;
  /** How a 429 or 5xx waits before the next attempt (injected so tests need not wait). */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per call, the first included. */
  maxAttempts?: number;
}

/**
 * Mixpanel's GDPR/CCPA API v3: files deletion tasks and reads their status. The OAuth token goes
 * in `Authorization: Bearer` and the project token on the URL; neither appears in an error
 * message. A 429 ("request rates are limited") or a 5xx is retried after Mixpanel's documented
 * back-off (2 s doubling, or `Retry-After`); a deletion filed twice is harmless, so a retried
 * POST is safe.
 */
export class MixpanelGdprClient {
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;

  constructor(
    private readonly config: MixpanelGdprConfig,
    options: GdprClientOptions = {},
  ) {
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.sleep = options.sleep ?? ((ms) => sleepMs(ms));
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  /** Files one deletion task for up to 2,000 distinct ids; returns its tracking id. */
  async requestDeletion(distinctIds: readonly string[], complianceType: ComplianceType = 'GDPR'): Promise<string> {
    if (distinctIds.length === 0 || distinctIds.length > MAX_DELETION_IDS)
      throw new PermanentError(`A deletion names 1 to ${MAX_DELETION_IDS} distinct ids, not ${distinctIds.length}`, {
        code: 'INVALID_REQUEST',
      });
    const body = await this.call('POST', '', { distinct_ids: distinctIds, compliance_type: complianceType });
    const taskId = (body as { results?: { task_id?: unknown } }).results?.task_id;
    if (typeof taskId !== 'string' && typeof taskId !== 'number')
      throw new PermanentError('Mixpanel GDPR API answered without a task_id', { code: 'MIXPANEL_GDPR_SHAPE' });
    return String(taskId);
  }

  async deletionStatus(trackingId: string): Promise<DeletionTask> {
    const body = await this.call('GET', encodeURIComponent(trackingId));
    const results = (body as { results?: Record<string, unknown> }).results ?? {};
    const ids = results.distinct_ids;
    return {
      trackingId: typeof results.tracking_id === 'string' ? results.tracking_id : trackingId,
      status: typeof results.status === 'string' ? results.status : 'UNKNOWN',
      complianceType: typeof results.compliance_type === 'string' ? results.compliance_type : '',
      distinctIds: Array.isArray(ids) ? ids.map(String) : [],
      requestedAt: typeof results.date_requested === 'string' ? results.date_requested : undefined,
    };
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const token = encodeURIComponent(this.config.projectToken);
    const url = `${this.config.gdprApiUrl}/data-deletions/v3.0/${path}?token=${token}`;
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.send(method, url, body);
      const answer = await readJson(response);
      if (response.ok) return answer;
      const retryable = response.status === 429 || response.status >= 500;
      const message = `Mixpanel GDPR API answered ${response.status}: ${describe(answer)}`;
      if (!retryable) throw new PermanentError(message, { code: `MIXPANEL_GDPR_${response.status}` });
      const retryAfter = Number(response.headers.get('retry-after'));
      const waitSeconds =
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : exponentialSeconds(attempt, BACKOFF.mixpanel);
      if (attempt >= this.maxAttempts)
        throw new RetryableError(`${message} (after ${attempt} attempts)`, {
          retryAfterSeconds: waitSeconds,
          rateLimited: response.status === 429,
        });
      await this.sleep(waitSeconds * 1000);
    }
  }

  private async send(method: string, url: string, body: unknown): Promise<Response> {
    try {
      return await this.fetchImpl(url, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${this.config.gdprToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new RetryableError(`Mixpanel GDPR API did not answer: ${(error as Error).message}`, { cause: error });
    }
  }
}

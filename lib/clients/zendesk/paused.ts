import { isRateLimited, type ApiPause } from '../api-pause.js';
import type { ExportPage, ZendeskGateway, ZendeskUserSummary } from './gateway.js';

/**
 * A Zendesk gateway that honours the pause every reader container shares: while it lasts, a
 * call fails retryable with the remaining time without reaching Zendesk; a 429 pauses Zendesk
 * for all of them for its `Retry-After`.
 */
export class PausedZendeskGateway implements ZendeskGateway {
  constructor(
    private readonly inner: ZendeskGateway,
    private readonly pause: ApiPause,
  ) {}

  usersByIds(ids: readonly number[]): Promise<Map<number, ZendeskUserSummary>> {
    return this.guarded(() => this.inner.usersByIds(ids));
  }

  exportTickets(from: { startTime: number } | { cursor: string }): Promise<ExportPage> {
    return this.guarded(() => this.inner.exportTickets(from));
  }

  private async guarded<T>(call: () => Promise<T>): Promise<T> {
    const refusal = await this.pause.refusal();
    if (refusal) throw refusal;
    try {
      const result = await call();
      await this.pause.succeeded();
      return result;
    } catch (error) {
      if (isRateLimited(error)) await this.pause.rateLimited(error.retryAfterSeconds);
      throw error;
    }
  }
}

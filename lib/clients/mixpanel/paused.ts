import type { ItemResult } from '../../sqs/batch-collector.js';
import { isRateLimited, type ApiPause } from '../api-pause.js';
import type { MixpanelGateway } from './client.js';
import type { GroupUpdate, MixpanelEvent, ProfileUpdate } from './types.js';

/**
 * A Mixpanel gateway that honours the pause every sender container shares: while it lasts,
 * every item fails retryable with the remaining time and no call is made; a 429 pauses Mixpanel
 * for all of them (it sends no `Retry-After`: 2 s doubling to 60 s over consecutive 429s).
 */
export class PausedMixpanelGateway implements MixpanelGateway {
  constructor(
    private readonly inner: MixpanelGateway,
    private readonly pause: ApiPause,
  ) {}

  importEvents(events: readonly MixpanelEvent[]): Promise<ItemResult[]> {
    return this.guarded(events.length, () => this.inner.importEvents(events));
  }

  updateProfiles(updates: readonly ProfileUpdate[]): Promise<ItemResult[]> {
    return this.guarded(updates.length, () => this.inner.updateProfiles(updates));
  }

  updateGroups(updates: readonly GroupUpdate[]): Promise<ItemResult[]> {
    return this.guarded(updates.length, () => this.inner.updateGroups(updates));
  }

  private async guarded(count: number, send: () => Promise<ItemResult[]>): Promise<ItemResult[]> {
    const refusal = await this.pause.refusal();
    if (refusal) return new Array<ItemResult>(count).fill(refusal);
    const results = await send();
    const limited = results.find(isRateLimited);
    if (limited) await this.pause.rateLimited(limited.retryAfterSeconds);
    else if (results.some((result) => result === undefined)) await this.pause.succeeded();
    return results;
  }
}

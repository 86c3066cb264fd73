import { MIXPANEL_BATCH_RECORDS, type MixpanelGateway } from '../../lib/clients/mixpanel/client.js';
import type { GroupUpdate, MixpanelEvent, ProfileUpdate } from '../../lib/clients/mixpanel/types.js';
import type { ItemResult } from '../../lib/sqs/batch-collector.js';

/** Records what reaches Mixpanel, and the calls of up to 2,000 the client would make of it. */
export class RecordingMixpanel implements MixpanelGateway {
  readonly events: MixpanelEvent[] = [];
  readonly profiles: ProfileUpdate[] = [];
  readonly groups: GroupUpdate[] = [];
  readonly calls: Array<{ endpoint: 'import' | 'engage' | 'groups'; records: number }> = [];

  importEvents(events: readonly MixpanelEvent[]): Promise<ItemResult[]> {
    return this.record('import', this.events, events);
  }

  updateProfiles(updates: readonly ProfileUpdate[]): Promise<ItemResult[]> {
    return this.record('engage', this.profiles, updates);
  }

  updateGroups(updates: readonly GroupUpdate[]): Promise<ItemResult[]> {
    return this.record('groups', this.groups, updates);
  }

  private record<T>(endpoint: 'import' | 'engage' | 'groups', into: T[], items: readonly T[]): Promise<ItemResult[]> {
    into.push(...items);
    for (let start = 0; start < items.length; start += MIXPANEL_BATCH_RECORDS)
      this.calls.push({ endpoint, records: Math.min(MIXPANEL_BATCH_RECORDS, items.length - start) });
    return Promise.resolve(items.map(() => undefined));
  }
}

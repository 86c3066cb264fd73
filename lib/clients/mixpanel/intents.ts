import { z } from 'zod';
import type { OutgoingMessage } from '../queue-gateway.js';
import type { ItemResult } from '../../sqs/batch-collector.js';
import type { MixpanelGateway } from './client.js';
import { GroupUpdate, MixpanelEvent, ProfileUpdate } from './types.js';

/** A message on the mixpanel queue: one event, one profile update or one group update. */
export const MixpanelIntent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mixpanel.event'), event: MixpanelEvent }),
  z.object({ type: z.literal('mixpanel.profile'), update: ProfileUpdate }),
  z.object({ type: z.literal('mixpanel.group'), update: GroupUpdate }),
]);
export type MixpanelIntent = z.input<typeof MixpanelIntent>;

/** Serialises intents for the mixpanel queue, tagged so a dead-lettered message says what it was. */
export function toMixpanelMessages(intents: readonly MixpanelIntent[]): OutgoingMessage[] {
  return intents.map((intent) => ({ body: JSON.stringify(intent), attributes: { intent: intent.type } }));
}

/**
 * Sends a batch of mixed intents with one call per kind and chunk (events to `/import`,
 * profiles to `/engage`, groups to `/groups`); results come back in input order.
 */
export async function sendMixpanelIntents(
  gateway: MixpanelGateway,
  intents: readonly z.output<typeof MixpanelIntent>[],
): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array<ItemResult>(intents.length).fill(undefined);
  const positions = { event: [] as number[], profile: [] as number[], group: [] as number[] };
  const events: MixpanelEvent[] = [];
  const profiles: ProfileUpdate[] = [];
  const groups: GroupUpdate[] = [];
  intents.forEach((intent, position) => {
    if (intent.type === 'mixpanel.event') {
      positions.event.push(position);
      events.push(intent.event);
    } else if (intent.type === 'mixpanel.profile') {
      positions.profile.push(position);
      profiles.push(intent.update);
    } else {
      positions.group.push(position);
      groups.push(intent.update);
    }
  });
  const place = (at: number[], outcomes: ItemResult[]): void =>
    at.forEach((position, i) => (results[position] = outcomes[i]));
  if (events.length) place(positions.event, await gateway.importEvents(events));
  if (profiles.length) place(positions.profile, await gateway.updateProfiles(profiles));
  if (groups.length) place(positions.group, await gateway.updateGroups(groups));
  return results;
}

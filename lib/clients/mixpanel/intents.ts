import { z } from 'zod';
import type { OutgoingMessage } from '../queue-gateway.js';
import type { ItemResult } from '../../sqs/batch-collector.js';
import type { MixpanelGateway } from './client.js';
import { GroupPack, packOutcome, ProfilePack, unpack } from './packs.js';
import { GroupUpdate, MixpanelEvent, ProfileUpdate, SourceVersion } from './types.js';

/**
 * A message on the mixpanel queue: one event, one profile update or one group update, or a pack of
 * many profile or group updates (a nightly sync's volume).
 */
export const MixpanelIntent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mixpanel.event'), event: MixpanelEvent }),
  z.object({ type: z.literal('mixpanel.profile'), update: ProfileUpdate, version: SourceVersion.optional() }),
  z.object({ type: z.literal('mixpanel.group'), update: GroupUpdate, version: SourceVersion.optional() }),
  ProfilePack,
  GroupPack,
]);
export type MixpanelIntent = z.input<typeof MixpanelIntent>;

/** Serialises intents for the mixpanel queue, tagged so a dead-lettered message says what it was. */
export function toMixpanelMessages(intents: readonly MixpanelIntent[]): OutgoingMessage[] {
  return intents.map((intent) => ({ body: JSON.stringify(intent), attributes: { intent: intent.type } }));
}

type Kind = 'event' | 'profile' | 'group';

/**
 * Sends a batch of mixed intents with one call per kind and chunk of 2,000 (events to `/import`,
 * profiles to `/engage`, groups to `/groups`), the updates of every pack pooled with the single
 * ones so partial packs share calls; one result per intent, in input order.
 */
export async function sendMixpanelIntents(
  gateway: MixpanelGateway,
  intents: readonly z.output<typeof MixpanelIntent>[],
): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array<ItemResult>(intents.length).fill(undefined);
  const items = { event: [] as unknown[], profile: [] as unknown[], group: [] as unknown[] };
  // Which intent each pooled item came from, and each intent's slice of its kind's pool.
  const slices: Array<{ kind: Kind; from: number; to: number } | undefined> = [];
  intents.forEach((intent, position) => {
    let kind: Kind;
    let added: unknown[];
    try {
      [kind, added] = itemsOf(intent);
    } catch (error) {
      results[position] = error as Error;
      return;
    }
    const pool = items[kind];
    slices[position] = { kind, from: pool.length, to: pool.length + added.length };
    for (const item of added) pool.push(item);
  });
  const outcomes = {
    event: items.event.length ? await gateway.importEvents(items.event as MixpanelEvent[]) : [],
    profile: items.profile.length ? await gateway.updateProfiles(items.profile as ProfileUpdate[]) : [],
    group: items.group.length ? await gateway.updateGroups(items.group as GroupUpdate[]) : [],
  };
  slices.forEach((slice, position) => {
    if (!slice) return;
    const own = outcomes[slice.kind].slice(slice.from, slice.to);
    results[position] = isPack(intents[position]) ? packOutcome(own) : own[0];
  });
  return results;
}

function itemsOf(intent: z.output<typeof MixpanelIntent>): [Kind, unknown[]] {
  switch (intent.type) {
    case 'mixpanel.event':
      return ['event', [intent.event]];
    case 'mixpanel.profile':
      return ['profile', [intent.update]];
    case 'mixpanel.group':
      return ['group', [intent.update]];
    case 'mixpanel.profiles':
      return ['profile', unpack(intent)];
    case 'mixpanel.groups':
      return ['group', unpack(intent)];
  }
}

const isPack = (intent: z.output<typeof MixpanelIntent> | undefined): boolean =>
  intent?.type === 'mixpanel.profiles' || intent?.type === 'mixpanel.groups';

import * as z from '../../zod-mini.js';
import type { OutgoingMessage } from '../queue-gateway.js';
import { RetryableError } from '../../errors.js';
import { logger, metrics, MetricUnit } from '../../observability.js';
import type { ItemResult } from '../../sqs/batch-collector.js';
import { planCarry, poolOrder, sendCarrying, type CarryOptions, type Kind } from './carry.js';
import type { MixpanelGateway } from './client.js';
import {
  EventPack,
  GroupPack,
  packEvents,
  packGroupUpdates,
  packOutcome,
  packProfileUpdates,
  ProfilePack,
  unpack,
} from './packs.js';
import { GroupUpdate, MixpanelEvent, ProfileUpdate, SourceVersion } from './types.js';
import type { VersionGate } from './version-gate.js';

/**
 * A message on the mixpanel queue: one event, one profile update or one group update, or a pack of
 * many events, profile or group updates (a writer batch's follow-ups, a nightly sync's volume).
 */
export const MixpanelIntent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mixpanel.event'), event: MixpanelEvent }),
  z.object({ type: z.literal('mixpanel.profile'), update: ProfileUpdate, version: z.optional(SourceVersion) }),
  z.object({ type: z.literal('mixpanel.group'), update: GroupUpdate, version: z.optional(SourceVersion) }),
  EventPack,
  ProfilePack,
  GroupPack,
]);
export type MixpanelIntent = z.input<typeof MixpanelIntent>;

/** Serialises intents for the mixpanel queue, tagged so a dead-lettered message says what it was. */
export function toMixpanelMessages(intents: readonly MixpanelIntent[]): OutgoingMessage[] {
  return intents.map((intent) => ({ body: JSON.stringify(intent), attributes: { intent: intent.type } }));
}

/**
 * Intents as few queue messages: the events in packs, the profile and group updates without a
 * version in packs (an update with a version keeps its own message, so the sender can order it),
 * packs of 2,000 and 200 KB at most; `attributes` go on every pack (e.g. where the events come from).
 */
export function packMixpanelIntents(
  intents: readonly MixpanelIntent[],
  attributes: Record<string, string> = {},
): OutgoingMessage[] {
  const events: MixpanelEvent[] = [];
  const profiles: ProfileUpdate[] = [];
  const groups: GroupUpdate[] = [];
  const single: MixpanelIntent[] = [];
  for (const intent of intents) {
    if (intent.type === 'mixpanel.event') events.push(intent.event);
    else if (intent.type === 'mixpanel.profile' && !intent.version) profiles.push(intent.update);
    else if (intent.type === 'mixpanel.group' && !intent.version) groups.push(intent.update);
    else single.push(intent);
  }
  return [
    ...packEvents(events, attributes),
    ...packProfileUpdates(profiles, undefined, attributes),
    ...packGroupUpdates(groups, attributes),
    ...toMixpanelMessages(single),
  ];
}

type Intent = z.output<typeof MixpanelIntent>;

/**
 * Sends a batch of mixed intents with one call per kind and chunk of 2,000 (events to `/import`,
 * profiles to `/engage`, groups to `/groups`), the updates of every pack pooled with the single
 * ones so partial packs share calls; one result per intent, in input order. With a `gate`, a
 * versioned update older than its record's last applied version is skipped (done, not sent). With
 * `carry`, a part-filled last call of a kind may be put back on the queue instead (./carry.ts).
 */
export async function sendMixpanelIntents(
  gateway: MixpanelGateway,
  intents: readonly Intent[],
  options: { gate?: VersionGate; carry?: CarryOptions } = {},
): Promise<ItemResult[]> {
  const { carry } = options;
  const results: ItemResult[] = new Array<ItemResult>(intents.length).fill(undefined);
  const admitted = await admit(intents, options.gate, results);
  // A single event or update keeps its own message (and its attributes, should it be dead-lettered).
  const carriable = intents.map(
    (intent, i) =>
      carry !== undefined &&
      isPack(intent) &&
      !intent.version &&
      carry.now - (carry.queued[i]?.at ?? Number.NaN) < carry.maxAgeMs,
  );
  const items = { event: [] as unknown[], profile: [] as unknown[], group: [] as unknown[] };
  // Which intent each pooled item came from, and each intent's slice of its kind's pool.
  const slices: Array<{ kind: Kind; from: number; to: number } | undefined> = [];
  for (const position of poolOrder(carriable, carry?.queued ?? [])) {
    const intent = intents[position];
    if (!intent || !admitted[position]) continue;
    let kind: Kind;
    let added: unknown[];
    try {
      [kind, added] = itemsOf(intent);
    } catch (error) {
      results[position] = error as Error;
      continue;
    }
    const pool = items[kind];
    slices[position] = { kind, from: pool.length, to: pool.length + added.length };
    for (const item of added) pool.push(item);
  }
  const send = async (kind: Kind, call: (pooled: never[]) => Promise<ItemResult[]>): Promise<ItemResult[]> => {
    const pool = items[kind];
    if (pool.length === 0) return [];
    if (!carry) return call(pool as never[]);
    const ofKind = slices.flatMap((slice, position) => (slice?.kind === kind ? [{ position, ...slice }] : []));
    const count = planCarry(pool.length, ofKind, carriable, carry.queued);
    return sendCarrying(kind, pool, count, ofKind, carry, call);
  };
  const outcomes = {
    event: await send('event', (pooled) => gateway.importEvents(pooled)),
    profile: await send('profile', (pooled) => gateway.updateProfiles(pooled)),
    group: await send('group', (pooled) => gateway.updateGroups(pooled)),
  };
  slices.forEach((slice, position) => {
    if (!slice) return;
    const own = outcomes[slice.kind].slice(slice.from, slice.to);
    const intent = intents[position];
    results[position] =
      intent && isPack(intent)
        ? packOutcome(own, { pack: intent, items: items[slice.kind].slice(slice.from, slice.to) })
        : own[0];
  });
  return results;
}

/**
 * Which intents go out. Events are never held back: each has its own `$insert_id`. When the gate
 * cannot answer, only the versioned updates wait (retryable), and everything else is sent.
 */
async function admit(intents: readonly Intent[], gate: VersionGate | undefined, results: ItemResult[]) {
  const versions = intents.map((intent) => ('version' in intent ? intent.version : undefined));
  if (!gate || versions.every((version) => version === undefined)) return intents.map(() => true);
  let answers: boolean[];
  try {
    answers = await gate.admit(versions);
  } catch (error) {
    const failure = error instanceof Error ? error : new RetryableError(String(error));
    versions.forEach((version, i) => (results[i] = version ? failure : undefined));
    return versions.map((version) => version === undefined);
  }
  const refused = versions.filter((version, i) => version && !answers[i]);
  if (refused.length > 0) {
    metrics.addMetric('OutOfOrderUpdatesRefused', MetricUnit.Count, refused.length);
    logger.info('Refused updates older than the last applied version of their record', {
      refused: refused.map((version) => `${version?.key ?? ''}@${version?.modstamp ?? ''}`),
    });
  }
  return answers;
}

function itemsOf(intent: Intent): [Kind, unknown[]] {
  switch (intent.type) {
    case 'mixpanel.event':
      return ['event', [intent.event]];
    case 'mixpanel.profile':
      return ['profile', [intent.update]];
    case 'mixpanel.group':
      return ['group', [intent.update]];
    case 'mixpanel.events':
      return ['event', unpack(intent)];
    case 'mixpanel.profiles':
      return ['profile', unpack(intent)];
    case 'mixpanel.groups':
      return ['group', unpack(intent)];
  }
}

type PackIntent = Extract<Intent, { type: 'mixpanel.events' | 'mixpanel.profiles' | 'mixpanel.groups' }>;
const isPack = (intent: Intent): intent is PackIntent =>
  intent.type === 'mixpanel.events' || intent.type === 'mixpanel.profiles' || intent.type === 'mixpanel.groups';

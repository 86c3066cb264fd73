import * as z from '../zod-mini.js';
import type { GroupUpdate, MixpanelEvent, ProfileUpdate, SourceVersion } from '../clients/mixpanel/types.js';
import type { OutgoingMessage } from '../clients/queue-gateway.js';

/** Where an intent came from: what a later consumer needs to order it and to trace it. */
export const OutboundSource = z.object({
  notificationId: z.string().check(z.minLength(1)),
  ruleId: z.string().check(z.minLength(1)),
  sObjectType: z.string().check(z.minLength(1)),
  recordId: z.string().check(z.minLength(1)),
  /** The record's SystemModstamp (or LastModifiedDate), ISO 8601: newer wins for profile values. */
  modstamp: z.string().check(z.minLength(1)),
});
export type OutboundSource = z.infer<typeof OutboundSource>;

/** The version a profile or group update carries: the record's key and modstamp, so an older one can be refused. */
export function versionOf(source: OutboundSource): SourceVersion {
  return { key: `${source.sObjectType}/${source.recordId}`, modstamp: source.modstamp };
}

/**
 * On the salesforce queue: put an event (and profile values) on the timeline of every user of an
 * account. The event is complete but for `distinct_id`; each user's copy gets its own `$insert_id`
 * derived from this one and the user (lib/outbound/fanout.ts).
 */
export const OutboundFanOutIntent = z.object({
  type: z.literal('outbound.fanout'),
  /** The Salesforce Account id whose Contacts (with `App_User_Id__c`) receive the event. */
  accountId: z.string().check(z.minLength(1)),
  source: OutboundSource,
  event: z.optional(
    z.object({ event: z.string().check(z.minLength(1)), properties: z.record(z.string(), z.unknown()) }),
  ),
  profileSet: z.optional(z.record(z.string(), z.unknown())),
});
export type OutboundFanOutIntent = z.infer<typeof OutboundFanOutIntent>;

/**
 * An intent for the mixpanel queue, in the wire format its consumer reads (`MixpanelIntent` of
 * lib/clients/mixpanel/intents.ts, which the ingress may not import: it reaches the client).
 * Profile and group updates carry the record's version so an older redelivery can be refused.
 */
export type OutboundMixpanelIntent =
  | { type: 'mixpanel.event'; event: MixpanelEvent }
  | { type: 'mixpanel.profile'; update: ProfileUpdate; version: SourceVersion }
  | { type: 'mixpanel.group'; update: GroupUpdate; version: SourceVersion };

/** What one outbound message becomes: messages for each queue, and how many notifications no rule used. */
export interface OutboundIntents {
  mixpanel: Array<{ intent: OutboundMixpanelIntent; source: OutboundSource }>;
  fanOut: OutboundFanOutIntent[];
}

const attributesOf = (type: string, source: OutboundSource): Record<string, string> => ({
  intent: type,
  notification_id: source.notificationId,
  salesforce_record_id: source.recordId,
});

/** Serialises fan-out intents for the salesforce queue, tagged so a dead-lettered one says what it was. */
export function toFanOutMessages(intents: readonly OutboundFanOutIntent[]): OutgoingMessage[] {
  return intents.map((intent) => ({
    body: JSON.stringify(intent),
    attributes: attributesOf(intent.type, intent.source),
  }));
}

/** Serialises intents for the mixpanel queue with the notification they came from as attributes. */
export function toMixpanelMessages(intents: OutboundIntents['mixpanel']): OutgoingMessage[] {
  return intents.map(({ intent, source }) => ({
    body: JSON.stringify(intent),
    attributes: attributesOf(intent.type, source),
  }));
}

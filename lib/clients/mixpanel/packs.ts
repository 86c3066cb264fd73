import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from '../../zod-mini.js';
import { PermanentError, RetryableError } from '../../errors.js';
import type { ItemResult } from '../../sqs/batch-collector.js';
import type { OutgoingMessage } from '../queue-gateway.js';
import { MIXPANEL_BATCH_RECORDS } from './client.js';
import { SourceVersion, type GroupUpdate, type MixpanelEvent, type ProfileUpdate } from './types.js';

/**
 * A pack's body stays well under SQS's 256 KiB per message, and small enough that Lambda's 6 MB
 * invocation payload still holds dozens of packs.
 */
export const PACK_MAX_BYTES = 200 * 1024;

/**
 * Many events, profile or group updates in one queue message: a night of 1M users travels as about
 * 500 messages, not 1M, and a writer batch's events as a handful. The items are gzipped JSON in
 * base64, since they repeat the same property names and compress about tenfold; `count` and the
 * message's `intent` and `count` attributes tell an operator what a dead-lettered pack holds.
 */
const packOf = <K extends string>(type: K) =>
  z.object({
    type: z.literal(type),
    count: z.number().check(z.int(), z.positive()),
    data: z.string().check(z.minLength(1)),
    /** The one source record every update of the pack comes from (e.g. a fan-out to an account's users). */
    version: z.optional(SourceVersion),
  });
export const EventPack = packOf('mixpanel.events');
export const ProfilePack = packOf('mixpanel.profiles');
export const GroupPack = packOf('mixpanel.groups');
type Pack = z.infer<typeof EventPack> | z.infer<typeof ProfilePack> | z.infer<typeof GroupPack>;

/**
 * Events as queue messages of up to 2,000 events (one `/import` call) and 200 KB each. Each keeps
 * its own `$insert_id`, so a pack sent again is deduplicated by Mixpanel event by event.
 */
export function packEvents(
  events: readonly MixpanelEvent[],
  attributes: Record<string, string> = {},
): OutgoingMessage[] {
  return pack('mixpanel.events', events, undefined, attributes);
}

/**
 * Profile updates as queue messages of up to 2,000 updates (one Mixpanel call) and 200 KB each;
 * with the version of the record they all come from, so the sender can refuse an older one.
 */
export function packProfileUpdates(
  updates: readonly ProfileUpdate[],
  version?: SourceVersion,
  attributes: Record<string, string> = {},
): OutgoingMessage[] {
  return pack('mixpanel.profiles', updates, version, attributes);
}

/** Group updates as queue messages, packed like profile updates. */
export function packGroupUpdates(
  updates: readonly GroupUpdate[],
  attributes: Record<string, string> = {},
): OutgoingMessage[] {
  return pack('mixpanel.groups', updates, undefined, attributes);
}

/** The updates a pack carries; a pack that cannot be read is refused for good, since a retry reads the same bytes. */
export function unpack(message: Pack): unknown[] {
  let updates: unknown;
  try {
    updates = JSON.parse(gunzipSync(Buffer.from(message.data, 'base64')).toString('utf8'));
  } catch (error) {
    throw new PermanentError(`The ${message.type} pack cannot be read: ${(error as Error).message}`, {
      code: 'INVALID_PACK',
    });
  }
  if (!Array.isArray(updates) || updates.length !== message.count)
    throw new PermanentError(`The ${message.type} pack does not hold the ${message.count} updates it declares`, {
      code: 'INVALID_PACK',
    });
  return updates;
}

/**
 * One outcome for a pack from its items' outcomes. Any retryable failure retries the pack: events
 * carry their `$insert_id` and updates are `$set`s, so sending the others again changes nothing.
 * Else any refusal dead-letters the pack with how many items were refused and the first reason;
 * given the pack and its items, only the refused items are dead-lettered (as a pack of their own,
 * with the pack's version), since the others reached Mixpanel and must not be sent again.
 */
export function packOutcome(
  results: readonly ItemResult[],
  packed?: { pack: Pack; items: readonly unknown[] },
): ItemResult {
  const failures = results.filter((result): result is Error => result !== undefined);
  if (failures.length === 0) return undefined;
  const retryable = failures.find((failure) => !(failure instanceof PermanentError));
  const first = retryable ?? failures[0];
  const noun = packed?.pack.type === 'mixpanel.events' ? 'events' : 'updates';
  const message = `${failures.length} of ${results.length} ${noun} failed, e.g. ${first?.message ?? ''}`;
  if (retryable)
    return new RetryableError(
      message,
      retryable instanceof RetryableError && retryable.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: retryable.retryAfterSeconds }
        : {},
    );
  const code = first instanceof PermanentError ? first.code : 'MIXPANEL_REJECTED';
  if (!packed || failures.length === results.length) return new PermanentError(message, { code });
  const refused = packed.items.filter((_, i) => results[i] !== undefined);
  return new PermanentError(`${message}; the other ${results.length - failures.length} were sent`, {
    code,
    remainder: packMessage(packed.pack.type, refused, packed.pack.version),
  });
}

function pack(
  type: Pack['type'],
  updates: readonly unknown[],
  version?: SourceVersion,
  attributes: Record<string, string> = {},
): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  const add = (slice: readonly unknown[]): void => {
    const message = packMessage(type, slice, version, attributes);
    // An update that alone exceeds the limit is sent alone: the consumer refuses it with its own reason.
    if (message.body.length > PACK_MAX_BYTES && slice.length > 1) {
      const half = Math.ceil(slice.length / 2);
      add(slice.slice(0, half));
      add(slice.slice(half));
      return;
    }
    messages.push(message);
  };
  for (let start = 0; start < updates.length; start += MIXPANEL_BATCH_RECORDS)
    add(updates.slice(start, start + MIXPANEL_BATCH_RECORDS));
  return messages;
}

function packMessage(
  type: Pack['type'],
  items: readonly unknown[],
  version?: SourceVersion,
  attributes: Record<string, string> = {},
): { body: string; attributes: Record<string, string> } {
  const data = gzipSync(JSON.stringify(items)).toString('base64');
  const body: Pack = { type, count: items.length, data, ...(version ? { version } : {}) };
  return { body: JSON.stringify(body), attributes: { ...attributes, intent: type, count: String(items.length) } };
}

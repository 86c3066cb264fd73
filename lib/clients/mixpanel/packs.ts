import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { PermanentError, RetryableError } from '../../errors.js';
import type { ItemResult } from '../../sqs/batch-collector.js';
import type { OutgoingMessage } from '../queue-gateway.js';
import { MIXPANEL_BATCH_RECORDS } from './client.js';
import { SourceVersion, type GroupUpdate, type ProfileUpdate } from './types.js';

/**
 * A pack's body stays well under SQS's 256 KiB per message, and small enough that Lambda's 6 MB
 * invocation payload still holds dozens of packs.
 */
export const PACK_MAX_BYTES = 200 * 1024;

/**
 * Many profile or group updates in one queue message: a night of 1M users travels as about 500
 * messages, not 1M. The updates are gzipped JSON in base64, since profile updates repeat the same
 * property names and compress about tenfold; `count` lets an operator see the size unpacked.
 */
const packOf = <K extends string>(type: K) =>
  z.object({
    type: z.literal(type),
    count: z.number().int().positive(),
    data: z.string().min(1),
    /** The one source record every update of the pack comes from (e.g. a fan-out to an account's users). */
    version: SourceVersion.optional(),
  });
export const ProfilePack = packOf('mixpanel.profiles');
export const GroupPack = packOf('mixpanel.groups');
type Pack = z.infer<typeof ProfilePack> | z.infer<typeof GroupPack>;

/**
 * Profile updates as queue messages of up to 2,000 updates (one Mixpanel call) and 200 KB each;
 * with the version of the record they all come from, so the sender can refuse an older one.
 */
export function packProfileUpdates(updates: readonly ProfileUpdate[], version?: SourceVersion): OutgoingMessage[] {
  return pack('mixpanel.profiles', updates, version);
}

/** Group updates as queue messages, packed like profile updates. */
export function packGroupUpdates(updates: readonly GroupUpdate[]): OutgoingMessage[] {
  return pack('mixpanel.groups', updates);
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
 * One outcome for a pack from its updates' outcomes. Any retryable failure retries the pack (the
 * updates are `$set`s, so sending the others again changes nothing); else any refusal dead-letters
 * it with how many updates were refused and the first reason.
 */
export function packOutcome(results: readonly ItemResult[]): ItemResult {
  const failures = results.filter((result): result is Error => result !== undefined);
  if (failures.length === 0) return undefined;
  const retryable = failures.find((failure) => !(failure instanceof PermanentError));
  const first = retryable ?? failures[0];
  const message = `${failures.length} of ${results.length} updates failed, e.g. ${first?.message ?? ''}`;
  if (retryable)
    return new RetryableError(
      message,
      retryable instanceof RetryableError && retryable.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: retryable.retryAfterSeconds }
        : {},
    );
  return new PermanentError(message, { code: first instanceof PermanentError ? first.code : 'MIXPANEL_REJECTED' });
}

function pack(type: Pack['type'], updates: readonly unknown[], version?: SourceVersion): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  const add = (slice: readonly unknown[]): void => {
    const data = gzipSync(JSON.stringify(slice)).toString('base64');
    // An update that alone exceeds the limit is sent alone: the consumer refuses it with its own reason.
    if (data.length > PACK_MAX_BYTES && slice.length > 1) {
      const half = Math.ceil(slice.length / 2);
      add(slice.slice(0, half));
      add(slice.slice(half));
      return;
    }
    const body: Pack = { type, count: slice.length, data, ...(version ? { version } : {}) };
    messages.push({ body: JSON.stringify(body), attributes: { intent: type, count: String(slice.length) } });
  };
  for (let start = 0; start < updates.length; start += MIXPANEL_BATCH_RECORDS)
    add(updates.slice(start, start + MIXPANEL_BATCH_RECORDS));
  return messages;
}

/**
 * Reading and redriving a dead-letter queue with plain SQS calls, the same on AWS and on the local
 * hub (whose SQS has no message move task).
 *
 * Reading a queue means receiving its messages, which hides them. A read therefore receives with a
 * visibility timeout that only bounds how long they stay hidden should it die half-way
 * (`READ_VISIBILITY_SECONDS`), and releases every message as soon as it has read them all: they are
 * hidden for the time of the scan. A redrive that finds the queue empty while messages are in
 * flight elsewhere waits out that bound before it counts them as left.
 */
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import {
  deleteMessage,
  inFlight,
  receive,
  release,
  sendCopy,
  sentAt,
  toDeadLetter,
  type DeadLetter,
} from './dead-letter-calls.js';

export { NO_REASON, type DeadLetter } from './dead-letter-calls.js';

/** How long a read hides the messages it received, at most: should it die before it releases them. */
export const READ_VISIBILITY_SECONDS = 30;
/** A redrive holds a message this long: time enough to send it to its queue and delete it. */
const REDRIVE_VISIBILITY_SECONDS = 60;
/** How long a read waits for messages another read holds, before it reports them as in flight. */
const SCAN_WAIT_MS = 3000;
/** Tries of a delete after its message was sent, before the redrive stops. */
const DELETE_TRIES = 3;

export interface DeadLetterListing {
  /** Messages read on the queue. */
  total: number;
  byReason: Record<string, number>;
  /** The messages of `reason` (all by default), at most `limit`. */
  messages: DeadLetter[];
  /** Messages others held (another read, a redrive) and this one could not read. */
  inFlight: number;
}

export interface ListOptions {
  reason?: string | undefined;
  limit?: number | undefined;
  /** Told the number of messages read so far. */
  onProgress?: (read: number) => void;
}

/** Reads a whole dead-letter queue without taking anything off it: counts by reason, and the messages. */
export async function listDeadLetters(
  sqs: SQSClient,
  dlqUrl: string,
  options: ListOptions = {},
): Promise<DeadLetterListing> {
  const listing: DeadLetterListing = { total: 0, byReason: {}, messages: [], inFlight: 0 };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  listing.inFlight = await scan(sqs, dlqUrl, (message) => {
    const letter = toDeadLetter(message);
    listing.total += 1;
    listing.byReason[letter.reasonCode] = (listing.byReason[letter.reasonCode] ?? 0) + 1;
    if (matches(letter, options.reason) && listing.messages.length < limit) listing.messages.push(letter);
    options.onProgress?.(listing.total);
    return false;
  });
  return listing;
}

/** One message of a dead-letter queue by its id, left on the queue; undefined when it is not there. */
export async function readDeadLetter(
  sqs: SQSClient,
  dlqUrl: string,
  messageId: string,
): Promise<DeadLetter | undefined> {
  let found: DeadLetter | undefined;
  await scan(sqs, dlqUrl, (message) => {
    if (message.MessageId === messageId) found = toDeadLetter(message);
    return found !== undefined;
  });
  return found;
}

/**
 * Receives every message of the queue once, hands each new one to `visit` (true: stop), then
 * releases them all; returns how many messages others held when it ended. Done when a receive
 * brings nothing new: the queue is empty, or what comes back was read already (it outlived its
 * visibility timeout). Messages another read has just released are visible again within a
 * second: an empty receive while others hold messages is tried again for a few seconds.
 */
async function scan(sqs: SQSClient, queueUrl: string, visit: (message: Message) => boolean): Promise<number> {
  const held = new Map<string, string>();
  const waitUntil = Date.now() + SCAN_WAIT_MS;
  try {
    for (;;) {
      const batch = await receive(sqs, queueUrl, READ_VISIBILITY_SECONDS);
      const fresh = batch.filter((message) => !held.has(message.MessageId ?? ''));
      for (const message of batch) held.set(message.MessageId ?? '', message.ReceiptHandle ?? '');
      if (fresh.some(visit)) return 0;
      if (fresh.length > 0) continue;
      const others = Math.max(0, (await inFlight(sqs, queueUrl)) - held.size);
      if (others === 0 || Date.now() >= waitUntil) return others;
      await sleep(500);
    }
  } finally {
    await release(sqs, queueUrl, [...held.values()]);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RedriveQueues {
  dlqUrl: string;
  /** The work queue the messages came from, where they go back. */
  queueUrl: string;
}

export interface RedriveProgress {
  /** Sent to the work queue and deleted from the dead-letter queue. */
  moved: number;
  /** Read and left on the dead-letter queue: another reason, over the limit, or dead-lettered after the start. */
  skipped: number;
}

export interface RedriveOptions {
  /** Only the messages of this `reason_code` (`NO_REASON`: those SQS moved itself). */
  reason?: string | undefined;
  limit?: number | undefined;
  onProgress?: (progress: RedriveProgress) => void;
  /** How long to wait for messages that another reader holds (default `READ_VISIBILITY_SECONDS`). */
  waitForHeldSeconds?: number;
}

export interface RedriveResult extends RedriveProgress {
  movedIds: string[];
  /** Messages still held by another reader when the wait ended: whether they were selected is unknown. */
  held: number;
  /** Why the redrive stopped before the end; the messages not moved are on the dead-letter queue. */
  error?: string;
  /** Sent to the work queue, and still on the dead-letter queue because its delete failed. */
  notDeleted: string[];
}

/**
 * Moves dead-lettered messages back to their work queue, one by one: receive, send a copy without
 * the dead-letter reason (a fresh message to the consumer), and delete only once the copy is sent.
 * A message received twice is sent once. Messages dead-lettered after the redrive began are left
 * alone, so a message that fails again does not go round. Stops at the first error, leaving every
 * message not yet moved on the dead-letter queue.
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  queues: RedriveQueues,
  options: RedriveOptions = {},
): Promise<RedriveResult> {
  const startedAt = Date.now();
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const waitUntil = startedAt + (options.waitForHeldSeconds ?? READ_VISIBILITY_SECONDS) * 1000;
  const result: RedriveResult = { moved: 0, skipped: 0, movedIds: [], held: 0, notDeleted: [] };
  const sent = new Set<string>();
  // Messages read and not taken, by id: released at the end so others see them again.
  const kept = new Map<string, string>();
  const take = async (message: Message): Promise<void> => {
    const id = message.MessageId ?? '';
    const handle = message.ReceiptHandle ?? '';
    if (sent.has(id)) return deleteMessage(sqs, queues.dlqUrl, handle).catch(() => undefined);
    const letter = toDeadLetter(message);
    if (!matches(letter, options.reason) || result.moved >= limit || sentAt(message) > startedAt) {
      if (!kept.has(id)) result.skipped += 1;
      kept.set(id, handle);
      return options.onProgress?.({ moved: result.moved, skipped: result.skipped });
    }
    kept.set(id, handle);
    await sendCopy(sqs, queues.queueUrl, message);
    sent.add(id);
    kept.delete(id);
    await deleteAfterSend(sqs, queues.dlqUrl, handle).catch((error: unknown) => {
      result.notDeleted.push(id);
      throw error;
    });
    result.moved += 1;
    result.movedIds.push(id);
    options.onProgress?.({ moved: result.moved, skipped: result.skipped });
  };
  try {
    while (result.moved < limit) {
      const batch = await receive(sqs, queues.dlqUrl, REDRIVE_VISIBILITY_SECONDS);
      for (const message of batch) await take(message);
      if (batch.length > 0) continue;
      result.held = Math.max(0, (await inFlight(sqs, queues.dlqUrl)) - kept.size);
      if (result.held === 0 || Date.now() >= waitUntil) break;
      await sleep(1000);
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    await release(sqs, queues.dlqUrl, [...kept.values()]);
  }
  return result;
}

/** Whether a message is of the reason asked for (any, without one). */
function matches(letter: Pick<DeadLetter, 'reasonCode'>, reason: string | undefined): boolean {
  return reason === undefined || letter.reasonCode === reason;
}

async function deleteAfterSend(sqs: SQSClient, dlqUrl: string, handle: string, attempt = 1): Promise<void> {
  try {
    await deleteMessage(sqs, dlqUrl, handle);
  } catch (error) {
    if (attempt >= DELETE_TRIES) throw error;
    await sleep(200 * attempt);
    await deleteAfterSend(sqs, dlqUrl, handle, attempt + 1);
  }
}

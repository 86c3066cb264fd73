import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { chunkByCount } from '../lib/batching.js';
import { forEachConcurrently } from '../lib/concurrency.js';
import { RELEASE_VISIBILITY_SECONDS } from './local-sqs.js';

export interface BatchPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
}

// Lambda reads a standard queue with up to 10 messages per ReceiveMessage.
const RECEIVE_MAX = 10;
/**
 * ReceiveMessage (and delete) calls one poller keeps in flight, as Lambda runs several pollers per
 * queue: a batch of 1,000 takes 100 receives and 100 deletes, which one after another would keep a
 * consumer waiting on round trips rather than on work.
 */
const CALLS_IN_FLIGHT = 4;
/**
 * Lambda's invocation payload limit: a batch stops growing before its event could exceed 6 MB,
 * whatever the batch size, so a queue of 200 KB messages gives batches of about 25.
 */
const INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;
// What an SQS record adds to its body in the event: ids, receipt handle, attributes, ARN.
const RECORD_OVERHEAD_BYTES = 1024;
// SQS's message limit (body and attributes) as a record of the event.
const LARGEST_RECORD_BYTES = 256 * 1024 + RECORD_OVERHEAD_BYTES;
// Lambda long-polls for 20 s; shorter here because a stop lets the polls in progress end: an
// aborted one would still take the next message on the server and hide it from everyone.
const LONG_POLL_SECONDS = 1;

/**
 * The queue side of an event source mapping, as Lambda's pollers do it: gathers a batch of up to
 * `batchSize` within `maximumBatchingWindow`, deletes the messages that succeeded, and hands back
 * the ones a stop will not invoke.
 */
export class BatchPoller {
  private polling = true;

  constructor(private readonly options: BatchPollerOptions) {}

  /** Polls no more: `gather` returns what it has once the poll in progress ends (within a second). */
  stop(): void {
    this.polling = false;
  }

  async gather(): Promise<{ messages: Message[]; firstAt: number }> {
    const { batchSize, maximumBatchingWindowSeconds } = this.options;
    const messages: Message[] = [];
    let firstAt = 0;
    let bytes = 0;
    while (this.polling && messages.length < batchSize) {
      const windowLeftMs = firstAt === 0 ? Infinity : firstAt + maximumBatchingWindowSeconds * 1000 - Date.now();
      if (windowLeftMs <= 0) break;
      const waitSeconds =
        firstAt === 0 ? LONG_POLL_SECONDS : Math.min(LONG_POLL_SECONDS, Math.floor(windowLeftMs / 1000));
      // Never more than the payload limit can still hold, should every message be as large as SQS allows.
      const room = Math.floor((INVOCATION_PAYLOAD_BYTES - bytes) / LARGEST_RECORD_BYTES);
      if (room === 0) break;
      const received = await this.receiveUpTo(Math.min(batchSize - messages.length, room), waitSeconds);
      if (received.length > 0) {
        if (firstAt === 0) firstAt = Date.now();
        messages.push(...received);
        bytes += received.reduce((sum, message) => sum + eventBytes(message), 0);
      } else if (firstAt !== 0 && waitSeconds === 0) {
        // A short poll came back empty inside the last second of the window.
        await sleep(Math.min(50, windowLeftMs));
      }
      if (maximumBatchingWindowSeconds === 0 && messages.length > 0) break;
    }
    return { messages, firstAt };
  }

  async delete(messages: readonly Message[]): Promise<void> {
    await forEachConcurrently(chunkByCount(messages, RECEIVE_MAX), CALLS_IN_FLIGHT, async (chunk) => {
      await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    });
  }

  /** Makes messages visible again within a second (a stop gathered them but will not invoke them). */
  async handBack(messages: readonly Message[]): Promise<void> {
    await forEachConcurrently(chunkByCount(messages, RECEIVE_MAX), CALLS_IN_FLIGHT, async (chunk) => {
      await this.options.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: RELEASE_VISIBILITY_SECONDS,
          })),
        }),
      );
    });
  }

  /** Up to `max` messages through as many receives side by side as they need (at most CALLS_IN_FLIGHT). */
  private async receiveUpTo(max: number, waitSeconds: number): Promise<Message[]> {
    const sizes: number[] = [];
    for (let left = max; left > 0 && sizes.length < CALLS_IN_FLIGHT; left -= RECEIVE_MAX)
      sizes.push(Math.min(RECEIVE_MAX, left));
    const received = await Promise.all(sizes.map((size) => this.receive(size, waitSeconds)));
    return received.flat();
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    try {
      const result = await this.options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      return result.Messages ?? [];
    } catch {
      if (!this.polling) return [];
      // The local SQS went away or hiccuped: back off briefly as Lambda's poller would.
      await sleep(500);
      return [];
    }
  }
}

function eventBytes(message: Message): number {
  const attributes = Object.entries(message.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) => sum + name.length + Buffer.byteLength(value.StringValue ?? ''),
    0,
  );
  return Buffer.byteLength(message.Body ?? '') + attributes + RECORD_OVERHEAD_BYTES;
}

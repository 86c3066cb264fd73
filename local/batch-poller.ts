import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { RELEASE_VISIBILITY_SECONDS } from './local-sqs.js';

export interface BatchPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
}

// Lambda reads a standard queue with up to 10 messages per ReceiveMessage.
const RECEIVE_MAX = 10;
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
    while (this.polling && messages.length < batchSize) {
      const windowLeftMs = firstAt === 0 ? Infinity : firstAt + maximumBatchingWindowSeconds * 1000 - Date.now();
      if (windowLeftMs <= 0) break;
      const waitSeconds =
        firstAt === 0 ? LONG_POLL_SECONDS : Math.min(LONG_POLL_SECONDS, Math.floor(windowLeftMs / 1000));
      const received = await this.receive(Math.min(RECEIVE_MAX, batchSize - messages.length), waitSeconds);
      if (received.length > 0) {
        if (firstAt === 0) firstAt = Date.now();
        messages.push(...received);
      } else if (firstAt !== 0 && waitSeconds === 0) {
        // A short poll came back empty inside the last second of the window.
        await sleep(Math.min(50, windowLeftMs));
      }
      if (maximumBatchingWindowSeconds === 0 && messages.length > 0) break;
    }
    return { messages, firstAt };
  }

  async delete(messages: readonly Message[]): Promise<void> {
    for (const chunk of chunks(messages)) {
      await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  }

  /** Makes messages visible again within a second (a stop gathered them but will not invoke them). */
  async handBack(messages: readonly Message[]): Promise<void> {
    for (const chunk of chunks(messages)) {
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
    }
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

function chunks(messages: readonly Message[]): Message[][] {
  const out: Message[][] = [];
  for (let i = 0; i < messages.length; i += RECEIVE_MAX) out.push(messages.slice(i, i + RECEIVE_MAX));
  return out;
}

import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { chunkBy } from '../batching.js';
import { forEachConcurrently } from '../concurrency.js';
import { PermanentError, RetryableError } from '../errors.js';
import { SendCoalescer } from './send-coalescer.js';

/** One message to enqueue. */
export interface OutgoingMessage {
  /** JSON text: every hub message is JSON, which lets the gateway escape what SQS cannot carry. */
  body: string;
  /** String message attributes (e.g. `intent`, `reason`). */
  attributes?: Record<string, string>;
  delaySeconds?: number;
}

/** Everything the hub does with queues, behind one small interface so handlers take fakes. */
export interface QueueGateway {
  /** Enqueues all messages with as few SendMessageBatch calls as SQS allows. */
  send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Hides a received message for `delaySeconds`, so its next delivery is a delayed retry. */
  retryLater(queueUrl: string, receiptHandle: string, delaySeconds: number): Promise<void>;
  /** Puts a message on a dead-letter queue with the reason it cannot be processed. */
  deadLetter(dlqUrl: string, message: OutgoingMessage, reason: { code: string; message: string }): Promise<void>;
}

/** SQS allows 10 entries and 256 KiB per SendMessageBatch. */
export const SQS_BATCH_ENTRIES = 10;
/** SQS refuses a message with more than 10 message attributes. */
export const SQS_MAX_ATTRIBUTES = 10;
export const SQS_BATCH_BYTES = 256 * 1024;
/**
 * SendMessageBatch calls in flight at once for one send: an ingress that enqueues 100 intents
 * waits for one round trip instead of ten, and a writer's 2,000 follow-ups for 20, not 200.
 */
export const SEND_CONCURRENCY = 10;
/** SQS caps a visibility timeout at 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

/**
 * SQS accepts only #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF in a body and refuses
 * the whole message otherwise (InvalidMessageContents). Without the `u` flag this matches UTF-16
 * code units, so it also matches both halves of every astral character (emoji): AWS accepts them,
 * but local SQS (fauxqs) checks code units and refuses them.
 */
const SQS_UNSAFE_CODE_UNIT = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/g;
/** The same rule per code point, for attribute values (plain text, not JSON). */
const SQS_UNSAFE_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * A JSON body SQS can carry, here and locally: each code unit outside SQS's set becomes a JSON
 * `\uXXXX` escape (an astral character a surrogate-pair escape). Such characters can only occur
 * inside JSON strings, so `JSON.parse` gives back exactly the same value.
 */
export function sqsSafeJson(body: string): string {
  return body.replace(SQS_UNSAFE_CODE_UNIT, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An attribute value SQS can carry: what it cannot becomes U+FFFD (attributes are ids and reasons, not data). */
function sqsSafeText(value: string): string {
  return value.replace(SQS_UNSAFE_CHARACTER, '\uFFFD');
}

function mapValues(record: Record<string, string>, map: (value: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/** Refuses a message larger than SQS takes (PermanentError MESSAGE_TOO_LARGE). */
function assertSendable(messages: readonly OutgoingMessage[]): void {
  for (const message of messages) {
    const size = messageBytes(message);
    if (size > SQS_BATCH_BYTES)
      throw new PermanentError(`A message of ${size} bytes exceeds the SQS limit of ${SQS_BATCH_BYTES}`, {
        code: 'MESSAGE_TOO_LARGE',
      });
  }
}

/** A refused message fails its send for good, even when others of it failed for a while only. */
function mostSevere(errors: readonly Error[]): Error {
  return errors.find((error) => error instanceof PermanentError) ?? (errors[0] as Error);
}

function messageBytes(message: OutgoingMessage): number {
  let size = Buffer.byteLength(message.body);
  for (const [key, value] of Object.entries(message.attributes ?? {}))
    size += Buffer.byteLength(key) + Buffer.byteLength(value) + 'String'.length;
  return size;
}

function toAttributes(
  attributes: Record<string, string> | undefined,
): Record<string, MessageAttributeValue> | undefined {
  if (!attributes) return undefined;
  return Object.fromEntries(
    Object.entries(attributes).map(([key, value]) => [key, { DataType: 'String', StringValue: sqsSafeText(value) }]),
  );
}

/** The SQS implementation. Pass `endpoint` for a local SQS (the env var alone is not enough). */
export class SqsQueueGateway implements QueueGateway {
  constructor(private readonly sqs: SQSClient) {}

  static create(options: { endpoint?: string | undefined; region?: string } = {}): SqsQueueGateway {
    return new SqsQueueGateway(
      new SQSClient({
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      }),
    );
  }

  /** Small sends of concurrent callers to one queue share SendMessageBatch calls. */
  private readonly coalescer = new SendCoalescer<OutgoingMessage>(
    (queueUrl, messages) => this.sendAll(queueUrl, messages),
    mostSevere,
  );

  async send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<void> {
    // Escaped before chunking: an escape is longer than the character, and the size limit counts it.
    const safe = messages.map((message) => ({
      ...message,
      body: sqsSafeJson(message.body),
      ...(message.attributes ? { attributes: mapValues(message.attributes, sqsSafeText) } : {}),
    }));
    // A message SQS would refuse fails its own caller here, before it can share a call with others'.
    assertSendable(safe);
    if (safe.length < SQS_BATCH_ENTRIES) return this.coalescer.send(queueUrl, safe);
    const failed = (await this.sendAll(queueUrl, safe)).filter((error) => error !== undefined);
    if (failed.length > 0) throw mostSevere(failed);
  }

  /** Every message in SendMessageBatch-sized calls, a few at a time: an error or undefined per message. */
  private async sendAll(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<Array<Error | undefined>> {
    const errors = new Array<Error | undefined>(messages.length).fill(undefined);
    const indexed = messages.map((message, index) => ({ message, index }));
    const chunks = chunkBy(indexed, SQS_BATCH_ENTRIES, SQS_BATCH_BYTES, (entry) => messageBytes(entry.message));
    await forEachConcurrently(chunks, SEND_CONCURRENCY, async (chunk) => {
      const outcomes = await this.sendChunk(
        queueUrl,
        chunk.map((entry) => entry.message),
      );
      chunk.forEach((entry, i) => (errors[entry.index] = outcomes[i]));
    });
    return errors;
  }

  /**
   * One SendMessageBatch: an error or undefined per message. Messages SQS failed on its side get one
   * immediate second try; a message it refused (sender fault) fails alone, for good.
   */
  private async sendChunk(queueUrl: string, chunk: OutgoingMessage[], attempt = 1): Promise<Array<Error | undefined>> {
    const errors = new Array<Error | undefined>(chunk.length).fill(undefined);
    const entries: SendMessageBatchRequestEntry[] = chunk.map((message, index) => ({
      Id: String(index),
      MessageBody: message.body,
      MessageAttributes: toAttributes(message.attributes),
      DelaySeconds: message.delaySeconds,
    }));
    let failed;
    try {
      const result = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      failed = result.Failed ?? [];
    } catch (error) {
      return errors.fill(new RetryableError(`SendMessageBatch to ${queueUrl} failed`, { cause: error }));
    }
    const again: number[] = [];
    for (const entry of failed) {
      const index = Number(entry.Id);
      if (!entry.SenderFault) again.push(index);
      else
        errors[index] = new PermanentError(`SQS rejected a message: ${entry.Code} ${entry.Message ?? ''}`.trim(), {
          code: entry.Code ?? 'SQS_REJECTED',
        });
    }
    if (again.length === 0) return errors;
    if (attempt >= 2) {
      const failure = new RetryableError(`SQS failed ${again.length} of ${chunk.length} messages twice`);
      for (const index of again) errors[index] = failure;
      return errors;
    }
    const retried = await this.sendChunk(
      queueUrl,
      again.flatMap((index) => chunk.slice(index, index + 1)),
      attempt + 1,
    );
    again.forEach((index, k) => (errors[index] = retried[k]));
    return errors;
  }

  async retryLater(queueUrl: string, receiptHandle: string, delaySeconds: number): Promise<void> {
    const seconds = Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.round(delaySeconds)));
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  async deadLetter(dlqUrl: string, message: OutgoingMessage, reason: { code: string; message: string }): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: sqsSafeJson(message.body),
        MessageAttributes: toAttributes({
          ...message.attributes,
          reason_code: reason.code,
          // SQS attribute values are limited in size; a reason is a sentence, not a dump.
          reason: reason.message.slice(0, 1000),
          dead_lettered_at: new Date().toISOString(),
        }),
      }),
    );
  }
}

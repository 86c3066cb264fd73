/**
 * The SQS calls that reading and redriving a dead-letter queue are made of, and how a received
 * message reads for an operator.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { chunkByCount } from '../batching.js';
import { describeBody } from './dead-letter-summary.js';
import { REASON_ATTRIBUTE_NAMES } from './reason.js';

/** A released message is visible again after 1 s, not 0: fauxqs 2.4 loses a message released with 0. */
const RELEASE_VISIBILITY_SECONDS = 1;
/** Long polling asks every SQS server; a short poll samples some and may answer empty on a non-empty queue. */
const RECEIVE_WAIT_SECONDS = 1;
const BATCH = 10;
/** The `reason_code` of a message SQS moved itself (the redrive policy): it has none. */
export const NO_REASON = 'none';

/** One dead-lettered message, as an operator reads it. */
export interface DeadLetter {
  messageId: string;
  /** `NO_REASON` when SQS moved the message after `maxReceiveCount` unsettled deliveries. */
  reasonCode: string;
  reason: string | undefined;
  deadLetteredAt: string | undefined;
  /** Deliveries to its consumer before it was dead-lettered, when the consumer recorded them. */
  deliveryCount: number | undefined;
  /** Intent, count and ids (`describeBody`), never customer data. */
  summary: string;
  /** Every message attribute, binary ones as their size. */
  attributes: Record<string, string>;
  body: string;
}

/** Receives up to 10 messages with their attributes, hidden for `visibilitySeconds`. */
export async function receive(sqs: SQSClient, queueUrl: string, visibilitySeconds: number): Promise<Message[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: BATCH,
      VisibilityTimeout: visibilitySeconds,
      WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['SentTimestamp'],
    }),
  );
  return Messages ?? [];
}

/**
 * Makes held messages visible again. Best effort: a handle that fails (its message deleted, or
 * received again elsewhere) leaves its message to its own visibility timeout, which ends anyway.
 */
export async function release(sqs: SQSClient, queueUrl: string, handles: readonly string[]): Promise<void> {
  for (const chunk of chunkByCount(handles, BATCH)) {
    const Entries = chunk.map((handle, index) => ({
      Id: String(index),
      ReceiptHandle: handle,
      VisibilityTimeout: RELEASE_VISIBILITY_SECONDS,
    }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries })).catch(() => undefined);
  }
}

/** Messages of the queue in flight: received by someone and neither deleted nor released yet. */
export async function inFlight(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Sends the redriven copy of a dead-lettered message to its work queue: its body and its own attributes. */
export async function sendCopy(sqs: SQSClient, queueUrl: string, message: Message): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: message.Body ?? '',
      MessageAttributes: ownAttributes(message),
    }),
  );
}

/** A message's attributes less the dead-letter reason, so its copy reads as a fresh message. */
function ownAttributes(message: Message): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).filter(([name]) => !REASON_ATTRIBUTE_NAMES.has(name)),
  );
}

export async function deleteMessage(sqs: SQSClient, queueUrl: string, receiptHandle: string): Promise<void> {
  await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
}

/** The message as an operator reads it. */
export function toDeadLetter(message: Message): DeadLetter {
  const attributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, attributeText(value)]),
  );
  const deliveries = Number(attributes.delivery_count);
  return {
    messageId: message.MessageId ?? '',
    reasonCode: attributes.reason_code ?? NO_REASON,
    reason: attributes.reason,
    deadLetteredAt: attributes.dead_lettered_at,
    deliveryCount: attributes.delivery_count !== undefined && Number.isFinite(deliveries) ? deliveries : undefined,
    summary: describeBody(message.Body ?? '', attributes),
    attributes,
    body: message.Body ?? '',
  };
}

/** When the message reached the dead-letter queue (SQS's SentTimestamp), in epoch ms. */
export function sentAt(message: Message): number {
  return Number(message.Attributes?.SentTimestamp ?? 0);
}

function attributeText(value: MessageAttributeValue): string {
  if (value.StringValue !== undefined) return value.StringValue;
  return `<${value.DataType ?? 'Binary'}, ${value.BinaryValue?.length ?? 0} bytes>`;
}

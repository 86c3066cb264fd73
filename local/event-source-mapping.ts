import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

export type SqsLambdaHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse | void | null | undefined>;

export interface EventSourceMappingOptions {
  functionName: string;
  handler: SqsLambdaHandler;
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  maximumConcurrency: number;
  reportBatchItemFailures: boolean;
  timeoutSeconds: number;
  /** Told about every invocation; the local runtime logs it, tests measure it. */
  onInvocation?: (invocation: Invocation) => void;
}

export interface Invocation {
  functionName: string;
  size: number;
  /** Milliseconds from the first message's receipt to the invocation. */
  waitedMs: number;
  startedAt: number;
  endedAt: number;
  failed: number;
  outcome: 'ok' | 'partial' | 'error' | 'timeout' | 'invalid-response';
  error?: string;
}

// Lambda reads a standard queue with up to 10 messages per ReceiveMessage.
const RECEIVE_MAX = 10;
// Lambda long-polls for 20 s; shorter here so a stop is quick.
const LONG_POLL_SECONDS = 2;

/**
 * Drives an SQS-triggered function as Lambda's event source mapping does: batches of up to
 * `batchSize` gathered within `maximumBatchingWindow`, at most `maximumConcurrency` invocations
 * in flight, partial batch responses honoured (only reported failures stay on the queue; an
 * invalid response or a throw fails the whole batch), and failed messages left for the queue's
 * visibility timeout and redrive policy to retry or dead-letter.
 */
export class EventSourceMapping {
  private running = false;
  private readonly abort = new AbortController();
  private workers: Promise<void>[] = [];

  constructor(private readonly options: EventSourceMappingOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.workers = Array.from({ length: this.options.maximumConcurrency }, () => this.work());
  }

  /** Stops polling and waits for in-flight invocations to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    while (this.running) {
      const batch = await this.gatherBatch();
      if (batch.messages.length > 0) await this.invoke(batch.messages, batch.firstAt);
    }
  }

  private async gatherBatch(): Promise<{ messages: Message[]; firstAt: number }> {
    const { batchSize, maximumBatchingWindowSeconds } = this.options;
    const messages: Message[] = [];
    let firstAt = 0;
    while (this.running && messages.length < batchSize) {
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
        { abortSignal: this.abort.signal },
      );
      return result.Messages ?? [];
    } catch {
      if (!this.running) return [];
      // The local SQS went away or hiccuped: back off briefly as Lambda's poller would.
      await sleep(500);
      return [];
    }
  }

  private async invoke(messages: Message[], firstAt: number): Promise<void> {
    const { functionName, timeoutSeconds } = this.options;
    const startedAt = Date.now();
    const event: SQSEvent = { Records: messages.map((message) => this.toRecord(message)) };
    const context = lambdaContext(functionName, startedAt + timeoutSeconds * 1000);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
    });
    let response: unknown;
    let error: string | undefined;
    try {
      response = await Promise.race([this.options.handler(event, context), timeout]);
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
    } finally {
      clearTimeout(timer);
    }
    const base = { functionName, size: messages.length, waitedMs: startedAt - firstAt, startedAt };
    if (error !== undefined || response === 'timeout') {
      const outcome = response === 'timeout' ? 'timeout' : 'error';
      this.options.onInvocation?.({
        ...base,
        endedAt: Date.now(),
        failed: messages.length,
        outcome,
        ...(error ? { error } : {}),
      });
      return;
    }
    const failedIds = this.failedIds(response, messages);
    if (failedIds === 'invalid') {
      this.options.onInvocation?.({
        ...base,
        endedAt: Date.now(),
        failed: messages.length,
        outcome: 'invalid-response',
      });
      return;
    }
    await this.deleteMessages(messages.filter((message) => !failedIds.has(message.MessageId ?? '')));
    this.options.onInvocation?.({
      ...base,
      endedAt: Date.now(),
      failed: failedIds.size,
      outcome: failedIds.size > 0 ? 'partial' : 'ok',
    });
  }

  /** Lambda's reading of a partial batch response; 'invalid' fails the whole batch. */
  private failedIds(response: unknown, messages: Message[]): Set<string> | 'invalid' {
    if (!this.options.reportBatchItemFailures || response === undefined || response === null) return new Set();
    if (typeof response !== 'object') return 'invalid';
    const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
    if (failures === undefined || failures === null) return new Set();
    if (!Array.isArray(failures)) return 'invalid';
    const known = new Set(messages.map((message) => message.MessageId));
    const ids = new Set<string>();
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || id === '' || !known.has(id)) return 'invalid';
      ids.add(id);
    }
    return ids;
  }

  private async deleteMessages(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += RECEIVE_MAX) {
      const chunk = messages.slice(i, i + RECEIVE_MAX);
      await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            dataType: value.DataType ?? 'String',
            stringValue: value.StringValue,
            stringListValues: [],
            binaryListValues: [],
          },
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: this.options.region,
    };
  }
}

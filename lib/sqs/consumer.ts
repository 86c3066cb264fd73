import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from '../zod-mini.js';
import { SQS_MAX_ATTRIBUTES, type QueueGateway } from '../clients/queue-gateway.js';
import { isPermanent, PermanentError, RetryableError } from '../errors.js';
import { logger, metrics, MetricUnit } from '../observability.js';
import { DEFAULT_BACKOFF, retryDelaySeconds, type BackoffOptions } from './backoff.js';
import { BatchCollector, type ItemResult } from './batch-collector.js';
import { publishBatchSummary, type BatchSummary } from './batch-summary.js';
import { operatorReason, REASON_ATTRIBUTE_NAMES } from './reason.js';

/** A message as a consumer's batch operation sees it: parsed, validated, with its delivery count. */
export interface ConsumedMessage<T> {
  messageId: string;
  body: T;
  receiveCount: number;
  /** When SQS accepted the message (SentTimestamp), epoch ms. */
  sentAt: number;
  /** The message's string attributes. */
  attributes: Readonly<Record<string, string>>;
}

export interface BatchConsumerOptions<T> {
  /** Names the consumer in logs and metrics. */
  name: string;
  schema: z.core.$ZodType<T>;
  queue: QueueGateway;
  /** The queue this consumer reads, for delayed retries. */
  queueUrl: string;
  dlqUrl: string;
  /** Matches the queue's redrive policy: the last allowed delivery dead-letters with its reason. */
  maxReceiveCount: number;
  /**
   * Processes the whole batch, typically in one API call; returns one result per message in
   * order. Throwing fails every message with that error.
   */
  handleBatch(messages: ConsumedMessage<T>[]): Promise<ItemResult[]>;
  backoff?: BackoffOptions;
}

// The dead-letter reason takes four of SQS's 10 message attributes.
const REASON_ATTRIBUTES = REASON_ATTRIBUTE_NAMES.size;

/**
 * Wraps a batch operation as an SQS Lambda handler that keeps Lambda's partial-batch contract:
 * successes are deleted; a permanent failure goes to the DLQ at once with its reason; a
 * retryable one is hidden for an exponential back-off (ChangeMessageVisibility) and reported in
 * `batchItemFailures`, until its last allowed delivery, when it is dead-lettered with its reason.
 * Every invocation has its own processor and counters, so concurrent invocations in one module
 * instance cannot reset each other's failures.
 */
export function createBatchConsumer<T>(options: BatchConsumerOptions<T>) {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;

  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    const summary: BatchSummary = {
      consumer: options.name,
      size: event.Records.length,
      processed: 0,
      retried: 0,
      deadLettered: 0,
    };
    const collector = new BatchCollector<ConsumedMessage<T>>(event.Records.length, (messages) =>
      options.handleBatch(messages),
    );

    const deadLetter = async (record: SQSRecord, code: string, error: Error): Promise<'dead-lettered'> => {
      const reason = operatorReason(error.message);
      // A message that partly succeeded leaves only its failed part on the dead-letter queue.
      const remainder = error instanceof PermanentError ? error.remainder : undefined;
      await options.queue.deadLetter(
        options.dlqUrl,
        {
          body: remainder?.body ?? record.body,
          attributes: {
            ...keptAttributes(record, remainder?.attributes),
            delivery_count: String(receiveCountOf(record)),
          },
        },
        { code, message: reason },
      );
      logger.error('Message dead-lettered', {
        consumer: options.name,
        messageId: record.messageId,
        reasonCode: code,
        reason,
      });
      metrics.addMetric('MessagesDeadLettered', MetricUnit.Count, 1);
      summary.deadLettered += 1;
      return 'dead-lettered';
    };

    const processRecord = async (record: SQSRecord): Promise<string> => {
      const receiveCount = receiveCountOf(record);
      let body: T;
      try {
        body = z.parse(options.schema, JSON.parse(record.body));
      } catch (error) {
        collector.skip();
        const invalid = new PermanentError(`Message is not a valid ${options.name} intent: ${describe(error)}`);
        return deadLetter(record, 'INVALID_MESSAGE', invalid);
      }
      try {
        await collector.submit({
          messageId: record.messageId,
          body,
          receiveCount,
          sentAt: Number(record.attributes.SentTimestamp),
          attributes: stringAttributes(record),
        });
        metrics.addMetric('MessagesProcessed', MetricUnit.Count, 1);
        summary.processed += 1;
        return 'processed';
      } catch (error) {
        if (isPermanent(error)) return deadLetter(record, error.code, error);
        const retryable =
          error instanceof RetryableError ? error : new RetryableError(describe(error), { cause: error });
        if (receiveCount >= options.maxReceiveCount) {
          const exhausted = new RetryableError(`Gave up after ${receiveCount} deliveries: ${retryable.message}`);
          return deadLetter(record, 'RETRIES_EXHAUSTED', exhausted);
        }
        const delay = retryDelaySeconds(receiveCount, retryable.retryAfterSeconds, backoff);
        await options.queue.retryLater(options.queueUrl, record.receiptHandle, delay).catch((cause: unknown) => {
          logger.warn('Could not delay the retry; the queue visibility timeout applies', {
            messageId: record.messageId,
            error: operatorReason(describe(cause)),
          });
        });
        logger.warn('Message will be retried', {
          consumer: options.name,
          messageId: record.messageId,
          receiveCount,
          delaySeconds: delay,
          reason: operatorReason(retryable.message),
        });
        metrics.addMetric('MessagesRetried', MetricUnit.Count, 1);
        summary.retried += 1;
        throw retryable;
      }
    };

    try {
      return await processPartialResponse(event, processRecord, processor, {
        ...(context ? { context } : {}),
        // A batch whose every record failed is still answered with the full list, so the
        // delays set above stand and the invocation is not counted as a crash.
        throwOnFullBatchFailure: false,
      });
    } finally {
      const level = summary.deadLettered > 0 ? 'warn' : 'info';
      logger[level]('Batch processed', { ...summary });
      publishBatchSummary(summary);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

function receiveCountOf(record: SQSRecord): number {
  return Number(record.attributes.ApproximateReceiveCount ?? '1');
}

function stringAttributes(record: SQSRecord): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record.messageAttributes ?? {}).flatMap(([name, value]) =>
      typeof value.stringValue === 'string' ? [[name, value.stringValue] as const] : [],
    ),
  );
}

/**
 * The message's own string attributes (intent, ids), kept on its dead-lettered copy; a remainder's
 * attributes (e.g. its own count) take the place of the message's.
 */
function keptAttributes(record: SQSRecord, replaced: Record<string, string> = {}): Record<string, string> {
  // A redriven message still carries the reason of its last dead-lettering: the new one replaces it.
  const own = Object.entries(stringAttributes(record)).filter(([name]) => !REASON_ATTRIBUTE_NAMES.has(name));
  const kept = Object.entries({ ...Object.fromEntries(own), ...replaced });
  return Object.fromEntries(kept.slice(0, SQS_MAX_ATTRIBUTES - REASON_ATTRIBUTES));
}

function describe(error: unknown): string {
  if (error instanceof Error && 'issues' in error) {
    const issues = (error as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues;
    return issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import type { QueueGateway } from '../clients/queue-gateway.js';
import { isPermanent, PermanentError, RetryableError } from '../errors.js';
import { logger, metrics, MetricUnit } from '../observability.js';
import { DEFAULT_BACKOFF, retryDelaySeconds, type BackoffOptions } from './backoff.js';
import { BatchCollector, type ItemResult } from './batch-collector.js';

/** A message as a consumer's batch operation sees it: parsed, validated, with its delivery count. */
export interface ConsumedMessage<T> {
  messageId: string;
  body: T;
  receiveCount: number;
}

export interface BatchConsumerOptions<T> {
  /** Names the consumer in logs and metrics. */
  name: string;
  schema: z.ZodType<T>;
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

/**
 * Wraps a batch operation as an SQS Lambda handler that keeps Lambda's partial-batch contract:
 * successes are deleted; a permanent failure goes to the DLQ at once with its reason; a
 * retryable one is hidden for an exponential back-off (ChangeMessageVisibility) and reported in
 * `batchItemFailures`, until its last allowed delivery, when it is dead-lettered with its reason.
 */
export function createBatchConsumer<T>(options: BatchConsumerOptions<T>) {
  const processor = new BatchProcessor(EventType.SQS);
  const backoff = options.backoff ?? DEFAULT_BACKOFF;

  const deadLetter = async (record: SQSRecord, error: Error & { code?: string }): Promise<'dead-lettered'> => {
    await options.queue.deadLetter(
      options.dlqUrl,
      { body: record.body },
      { code: error.code ?? 'RETRIES_EXHAUSTED', message: error.message },
    );
    logger.error('Message dead-lettered', {
      consumer: options.name,
      messageId: record.messageId,
      reason: error.message,
    });
    metrics.addMetric('MessagesDeadLettered', MetricUnit.Count, 1);
    return 'dead-lettered';
  };

  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const collector = new BatchCollector<ConsumedMessage<T>>(event.Records.length, (messages) =>
      options.handleBatch(messages),
    );

    const processRecord = async (record: SQSRecord): Promise<string> => {
      const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
      let body: T;
      try {
        body = options.schema.parse(JSON.parse(record.body));
      } catch (error) {
        collector.skip();
        return deadLetter(
          record,
          new PermanentError(`Message is not a valid ${options.name} intent: ${describe(error)}`, {
            code: 'INVALID_MESSAGE',
          }),
        );
      }
      try {
        await collector.submit({ messageId: record.messageId, body, receiveCount });
        metrics.addMetric('MessagesProcessed', MetricUnit.Count, 1);
        return 'processed';
      } catch (error) {
        if (isPermanent(error)) return deadLetter(record, error);
        const retryable =
          error instanceof RetryableError ? error : new RetryableError(describe(error), { cause: error });
        if (receiveCount >= options.maxReceiveCount) {
          return deadLetter(
            record,
            Object.assign(new RetryableError(`Gave up after ${receiveCount} deliveries: ${retryable.message}`), {
              code: 'RETRIES_EXHAUSTED',
            }),
          );
        }
        const delay = retryDelaySeconds(receiveCount, retryable.retryAfterSeconds, backoff);
        await options.queue.retryLater(options.queueUrl, record.receiptHandle, delay).catch((cause: unknown) => {
          logger.warn('Could not delay the retry; the queue visibility timeout applies', {
            messageId: record.messageId,
            error: describe(cause),
          });
        });
        logger.warn('Message will be retried', {
          consumer: options.name,
          messageId: record.messageId,
          receiveCount,
          delaySeconds: delay,
          reason: retryable.message,
        });
        metrics.addMetric('MessagesRetried', MetricUnit.Count, 1);
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
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

function describe(error: unknown): string {
  if (error instanceof Error && 'issues' in error) {
    const issues = (error as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues;
    return issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

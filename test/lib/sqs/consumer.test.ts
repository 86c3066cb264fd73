import { z } from 'zod';
import { PermanentError, RetryableError } from '../../../lib/errors.js';
import type { ItemResult } from '../../../lib/sqs/batch-collector.js';
import { onBatchSummary, type BatchSummary } from '../../../lib/sqs/batch-summary.js';
import { createBatchConsumer, type ConsumedMessage } from '../../../lib/sqs/consumer.js';
import { FakeQueueGateway } from '../../support/fake-queue-gateway.js';
import { sqsEvent, sqsRecord } from '../../support/sqs-events.js';

const Intent = z.object({ id: z.string() });
type Intent = z.infer<typeof Intent>;

function consumer(outcome: (message: ConsumedMessage<Intent>) => ItemResult | Promise<never>, maxReceiveCount = 5) {
  const queue = new FakeQueueGateway();
  const batches: ConsumedMessage<Intent>[][] = [];
  const handler = createBatchConsumer({
    name: 'test',
    schema: Intent,
    queue,
    queueUrl: 'http://q/main',
    dlqUrl: 'http://q/dlq',
    maxReceiveCount,
    backoff: { baseSeconds: 2, maxSeconds: 60, jitterSeconds: { min: 0, max: 0 } },
    handleBatch: async (messages) => {
      batches.push(messages);
      return Promise.all(messages.map(async (message) => outcome(message)));
    },
  });
  return { handler, queue, batches };
}

describe('createBatchConsumer', () => {
  it('hands every valid message to one batch call and reports no failure when all succeed', async () => {
    const { handler, batches } = consumer(() => undefined);

    const response = await handler(sqsEvent([sqsRecord({ id: 'a' }), sqsRecord({ id: 'b' }), sqsRecord({ id: 'c' })]));

    expect(response.batchItemFailures).toEqual([]);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((message) => message.body.id)).toEqual(['a', 'b', 'c']);
  });

  it('tells the batch call when SQS accepted each message and what string attributes it carries', async () => {
    const { handler, batches } = consumer(() => undefined);

    await handler(sqsEvent([sqsRecord({ id: 'a' }, { attributes: { intent: 'mixpanel.events', count: '3' } })]));

    expect(batches[0]?.[0]).toMatchObject({
      sentAt: 1_700_000_000_000,
      attributes: { intent: 'mixpanel.events', count: '3' },
    });
  });

  it('reports a retryable failure and delays its next delivery with back-off', async () => {
    const { handler, queue } = consumer((message) => (message.body.id === 'b' ? new RetryableError('429') : undefined));
    const failing = sqsRecord({ id: 'b' }, { messageId: 'mb', receiveCount: 3 });

    const response = await handler(sqsEvent([sqsRecord({ id: 'a' }), failing]));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'mb' }]);
    expect(queue.delayed).toHaveLength(1);
    expect(queue.delayed[0]).toMatchObject({ queueUrl: 'http://q/main', receiptHandle: 'rh-mb' });
    // Third delivery: 2 × 2² = 8 s (this consumer has no jitter).
    expect(queue.delayed[0]?.delaySeconds).toBe(8);
  });

  it('honours a vendor Retry-After longer than the back-off', async () => {
    const { handler, queue } = consumer(() => new RetryableError('slow down', { retryAfterSeconds: 45 }));

    await handler(sqsEvent([sqsRecord({ id: 'a' })]));

    expect(queue.delayed[0]?.delaySeconds).toBe(45);
  });

  it('dead-letters a permanent failure at once with its reason and does not report it', async () => {
    const { handler, queue } = consumer((message) =>
      message.body.id === 'bad' ? new PermanentError('No such column', { code: 'INVALID_FIELD' }) : undefined,
    );

    const response = await handler(sqsEvent([sqsRecord({ id: 'bad' }), sqsRecord({ id: 'ok' })]));

    expect(response.batchItemFailures).toEqual([]);
    expect(queue.deadLettered).toEqual([
      {
        dlqUrl: 'http://q/dlq',
        message: { body: '{"id":"bad"}', attributes: { delivery_count: '1' } },
        reason: { code: 'INVALID_FIELD', message: 'No such column' },
      },
    ]);
  });

  it('dead-letters a message that is not valid JSON or not a valid intent, and still processes the rest', async () => {
    const { handler, queue, batches } = consumer(() => undefined);

    const response = await handler(sqsEvent([sqsRecord('{not json'), sqsRecord({ nope: 1 }), sqsRecord({ id: 'ok' })]));

    expect(response.batchItemFailures).toEqual([]);
    expect(queue.deadLettered.map((entry) => entry.reason.code)).toEqual(['INVALID_MESSAGE', 'INVALID_MESSAGE']);
    expect(queue.deadLettered[1]?.reason.message).toContain('id');
    expect(batches[0]?.map((message) => message.body.id)).toEqual(['ok']);
  });

  it('dead-letters a retryable failure on its last allowed delivery with the last reason', async () => {
    const { handler, queue } = consumer(() => new RetryableError('Mixpanel answered 503'), 4);

    const response = await handler(sqsEvent([sqsRecord({ id: 'a' }, { receiveCount: 4 })]));

    expect(response.batchItemFailures).toEqual([]);
    expect(queue.deadLettered[0]?.reason).toEqual({
      code: 'RETRIES_EXHAUSTED',
      message: 'Gave up after 4 deliveries: Mixpanel answered 503',
    });
  });

  it('fails every message when the batch operation throws', async () => {
    const queue = new FakeQueueGateway();
    const handler = createBatchConsumer({
      name: 'test',
      schema: Intent,
      queue,
      queueUrl: 'q',
      dlqUrl: 'd',
      maxReceiveCount: 5,
      handleBatch: async () => {
        throw new Error('socket hang up');
      },
    });

    const response = await handler(
      sqsEvent([sqsRecord({ id: 'a' }, { messageId: '1' }), sqsRecord({ id: 'b' }, { messageId: '2' })]),
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '1' }, { itemIdentifier: '2' }]);
    expect(queue.delayed).toHaveLength(2);
  });

  it('keeps the message attributes on its dead-lettered copy, with the delivery count', async () => {
    const { handler, queue } = consumer(() => new PermanentError('Rejected', { code: 'INVALID_FIELD' }));
    const record = sqsRecord(
      { id: 'a' },
      { receiveCount: 2, attributes: { intent: 'ticket.sync', ticket_id: '710061' } },
    );

    await handler(sqsEvent([record]));

    expect(queue.deadLettered[0]?.message.attributes).toEqual({
      intent: 'ticket.sync',
      ticket_id: '710061',
      delivery_count: '2',
    });
  });

  it('keeps a redriven message own attributes when it is dead-lettered again, not its previous reason', async () => {
    const { handler, queue } = consumer(() => new PermanentError('refused again', { code: 'REFUSED' }));
    // A redrive moves the dead-lettered copy back with the reason attributes of its first failure.
    const previous = { reason_code: 'OLD', reason: 'refused', dead_lettered_at: '2026-12-01T00:00:00Z' };
    const own = { intent: 'mixpanel.events', count: '3', source: 'zendesk', ticket_id: '7', account_id: 'a' };
    const record = sqsRecord({ id: 'a' }, { attributes: { ...previous, delivery_count: '25', ...own } });

    await handler(sqsEvent([record]));

    expect(queue.deadLettered[0]?.message.attributes).toEqual({ ...own, delivery_count: '1' });
  });

  it('dead-letters only the failed part of a message that partly succeeded, with its own attributes', async () => {
    const remainder = { body: '{"id":"rest"}', attributes: { intent: 'mixpanel.events', count: '1' } };
    const { handler, queue } = consumer(() => new PermanentError('1 of 3 refused', { code: 'REFUSED', remainder }));
    const record = sqsRecord(
      { id: 'a' },
      { receiveCount: 1, attributes: { intent: 'mixpanel.events', count: '3', source: 'zendesk' } },
    );

    const response = await handler(sqsEvent([record]));

    expect(response.batchItemFailures).toEqual([]);
    expect(queue.deadLettered).toEqual([
      {
        dlqUrl: 'http://q/dlq',
        message: {
          body: '{"id":"rest"}',
          attributes: { intent: 'mixpanel.events', count: '1', source: 'zendesk', delivery_count: '1' },
        },
        reason: { code: 'REFUSED', message: '1 of 3 refused' },
      },
    ]);
  });

  it('dead-letters with a reason capped at about 1 KB and without the values Salesforce echoes', async () => {
    const echo = `Subject: data value too large: ${'Export fails for jane@example.com '.repeat(4000)}(max length=255)`;
    const { handler, queue } = consumer(
      () => new PermanentError(`${echo}; ${'x'.repeat(5000)}`, { code: 'STRING_TOO_LONG' }),
    );

    await handler(sqsEvent([sqsRecord({ id: 'a' })]));

    const reason = queue.deadLettered[0]?.reason.message ?? '';
    expect(reason.length).toBeLessThanOrEqual(1000);
    expect(reason).toMatch(/^Subject: data value too large \(max length=255\); x+ …\[truncated\]$/);
    expect(reason).not.toContain('example.com');
  });

  it('publishes a truthful summary: a batch whose messages were all dead-lettered is not "ok"', async () => {
    const summaries: BatchSummary[] = [];
    const unsubscribe = onBatchSummary((summary) => summaries.push(summary));
    const { handler } = consumer((message) =>
      message.body.id === 'r' ? new RetryableError('503') : new PermanentError('Rejected', { code: 'X' }),
    );

    const response = await handler(sqsEvent([sqsRecord({ id: 'p' }), sqsRecord({ id: 'q' }), sqsRecord({ id: 'r' })]));
    unsubscribe();

    expect(response.batchItemFailures).toHaveLength(1);
    expect(summaries).toEqual([{ consumer: 'test', size: 3, processed: 0, retried: 1, deadLettered: 2 }]);
  });
});

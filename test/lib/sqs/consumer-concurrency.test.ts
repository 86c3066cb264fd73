import { z } from 'zod';
import { RetryableError } from '../../../lib/errors.js';
import { createBatchConsumer, type BatchConsumerOptions } from '../../../lib/sqs/consumer.js';
import { FakeQueueGateway } from '../../support/fake-queue-gateway.js';
import { sqsEvent, sqsRecord } from '../../support/sqs-events.js';

const Intent = z.object({ id: z.string(), fail: z.boolean() });

/** A consumer of `Intent` messages whose batch operation is `handleBatch`. */
function consumerWith(handleBatch: BatchConsumerOptions<z.infer<typeof Intent>>['handleBatch']) {
  return createBatchConsumer({
    name: 'test',
    schema: Intent,
    queue: new FakeQueueGateway(),
    queueUrl: 'q',
    dlqUrl: 'd',
    maxReceiveCount: 5,
    handleBatch,
  });
}

/** A promise with its resolve exposed, to interleave two invocations exactly. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('createBatchConsumer under concurrent invocations of one handler', () => {
  it('reports every failed message of each invocation, however the invocations interleave', async () => {
    const firstMayFinish = gate();
    const secondStarted = gate();
    const handler = consumerWith(async (messages) => {
      if (messages.some((message) => message.body.id.startsWith('first'))) await firstMayFinish.opened;
      else secondStarted.open();
      return messages.map((message) => (message.body.fail ? new RetryableError('503') : undefined));
    });

    const first = handler(
      sqsEvent([
        sqsRecord({ id: 'first-a', fail: true }, { messageId: 'f1' }),
        sqsRecord({ id: 'first-b', fail: false }, { messageId: 'f2' }),
      ]),
    );
    const second = handler(sqsEvent([sqsRecord({ id: 'second-a', fail: false }, { messageId: 's1' })]));
    await secondStarted.opened;
    firstMayFinish.open();

    const [firstResponse, secondResponse] = await Promise.all([first, second]);
    expect(firstResponse.batchItemFailures).toEqual([{ itemIdentifier: 'f1' }]);
    expect(secondResponse.batchItemFailures).toEqual([]);
  });

  it('keeps failures apart across many overlapping invocations', async () => {
    const handler = consumerWith(async (messages) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      return messages.map((message) => (message.body.fail ? new RetryableError('429') : undefined));
    });

    const invocations = Array.from({ length: 20 }, (_, n) =>
      handler(
        sqsEvent(
          Array.from({ length: 5 }, (_, i) =>
            sqsRecord({ id: `${n}-${i}`, fail: (n + i) % 3 === 0 }, { messageId: `${n}-${i}` }),
          ),
        ),
      ),
    );
    const responses = await Promise.all(invocations);

    responses.forEach((response, n) => {
      const expected = [0, 1, 2, 3, 4].filter((i) => (n + i) % 3 === 0).map((i) => ({ itemIdentifier: `${n}-${i}` }));
      expect(response.batchItemFailures).toEqual(expected);
    });
  });
});

import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { BatchPoller } from '../../local/batch-poller.js';

/** An SQS client holding `available` messages; it records each call's size and how many were in flight at once. */
function fakeSqs(available: number) {
  let next = 0;
  const seen = { receives: [] as number[], deletes: [] as number[], inFlight: 0, mostInFlight: 0 };
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      seen.inFlight += 1;
      seen.mostInFlight = Math.max(seen.mostInFlight, seen.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.inFlight -= 1;
      if (command.constructor.name === 'ReceiveMessageCommand') {
        const max = command.input.MaxNumberOfMessages as number;
        const count = Math.min(max, available - next);
        seen.receives.push(max);
        const messages: Message[] = Array.from({ length: count }, () => {
          next += 1;
          return { MessageId: `m${next}`, ReceiptHandle: `r${next}`, Body: '{}' };
        });
        return { Messages: messages };
      }
      seen.deletes.push((command.input.Entries as unknown[]).length);
      return { Successful: [], Failed: [] };
    },
  };
  return { sqs: client as unknown as SQSClient, seen };
}

describe('BatchPoller', () => {
  it('gathers with several receives in flight, never asking for more than the batch or 6 MB takes', async () => {
    const { sqs, seen } = fakeSqs(1000);
    const poller = new BatchPoller({ sqs, queueUrl: 'q', batchSize: 35, maximumBatchingWindowSeconds: 5 });

    const { messages } = await poller.gather();

    expect(messages).toHaveLength(35);
    // 6 MB holds 23 records of SQS's largest size: 23 at most per round, then the 12 the batch still takes.
    expect(seen.receives).toEqual([10, 10, 3, 10, 2]);
    expect(seen.mostInFlight).toBe(3);
  });

  it('deletes 100 messages in 10 DeleteMessageBatch calls, 4 at a time', async () => {
    const { sqs, seen } = fakeSqs(100);
    const poller = new BatchPoller({ sqs, queueUrl: 'q', batchSize: 100, maximumBatchingWindowSeconds: 5 });
    const { messages } = await poller.gather();
    seen.mostInFlight = 0;

    await poller.delete(messages);

    expect(seen.deletes).toEqual(new Array(10).fill(10));
    expect(seen.mostInFlight).toBe(4);
  });

  it('takes one message at a time for a batch size of 1', async () => {
    const { sqs, seen } = fakeSqs(5);
    const poller = new BatchPoller({ sqs, queueUrl: 'q', batchSize: 1, maximumBatchingWindowSeconds: 0 });

    const { messages } = await poller.gather();

    expect(messages).toHaveLength(1);
    expect(seen.receives).toEqual([1]);
  });
});

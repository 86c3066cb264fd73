import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { redriveDeadLetters } from '../../../lib/sqs/dead-letters.js';

const QUEUES = { dlqUrl: 'http://sqs/dlq', queueUrl: 'http://sqs/queue' };

/** A dead-letter queue whose receives are scripted, and a work queue that records what it is sent. */
class ScriptedSqs {
  readonly dlq = new Set<string>();
  readonly sent: SendMessageCommandInput[] = [];
  readonly deletes: string[] = [];
  failSend = false;
  failDelete = false;

  constructor(private readonly receives: Message[][]) {
    for (const batch of receives) for (const message of batch) this.dlq.add(message.MessageId!);
  }

  send(command: object): Promise<unknown> {
    if (command instanceof ReceiveMessageCommand) return Promise.resolve({ Messages: this.receives.shift() ?? [] });
    if (command instanceof SendMessageCommand) {
      if (this.failSend) return Promise.reject(new Error('SendMessage: service unavailable'));
      this.sent.push(command.input);
      return Promise.resolve({});
    }
    if (command instanceof DeleteMessageCommand) {
      if (this.failDelete) return Promise.reject(new Error('DeleteMessage: service unavailable'));
      const handle = command.input.ReceiptHandle!;
      this.deletes.push(handle);
      this.dlq.delete(handle.split('#')[0]!);
      return Promise.resolve({});
    }
    if (command instanceof ChangeMessageVisibilityBatchCommand) return Promise.resolve({ Successful: [] });
    if (command instanceof GetQueueAttributesCommand)
      return Promise.resolve({ Attributes: { ApproximateNumberOfMessagesNotVisible: '0' } });
    return Promise.reject(new Error(`unexpected ${command.constructor.name}`));
  }

  get client(): SQSClient {
    return this as unknown as SQSClient;
  }
}

/** A dead-lettered message as one receive returns it; every receive has its own handle. */
function received(id: string, receipt: number): Message {
  return {
    MessageId: id,
    ReceiptHandle: `${id}#${receipt}`,
    Body: JSON.stringify({ type: 'mixpanel.event', id }),
    Attributes: { SentTimestamp: '1' },
    MessageAttributes: {
      intent: { DataType: 'String', StringValue: 'mixpanel.event' },
      reason_code: { DataType: 'String', StringValue: 'MIXPANEL_404' },
      reason: { DataType: 'String', StringValue: 'Not Found' },
      dead_lettered_at: { DataType: 'String', StringValue: '2026-12-01T00:00:00.000Z' },
    },
  };
}

describe('redriveDeadLetters, when SQS misbehaves', () => {
  it('sends a message that a receive returns twice once, and deletes both copies', async () => {
    // Arrange: m1 comes back in a second receive, and twice within the third.
    const sqs = new ScriptedSqs([
      [received('m1', 1), received('m2', 1)],
      [received('m1', 2)],
      [received('m3', 1), received('m3', 2)],
    ]);

    // Act
    const result = await redriveDeadLetters(sqs.client, QUEUES, { waitForHeldSeconds: 0 });

    // Assert
    expect(result).toMatchObject({ moved: 3, movedIds: ['m1', 'm2', 'm3'], notDeleted: [] });
    expect(sqs.sent.map((input) => JSON.parse(input.MessageBody!).id)).toEqual(['m1', 'm2', 'm3']);
    expect(sqs.sent[0]).toEqual({
      QueueUrl: QUEUES.queueUrl,
      MessageBody: expect.any(String),
      MessageAttributes: { intent: { DataType: 'String', StringValue: 'mixpanel.event' } },
    });
    expect(sqs.deletes).toEqual(['m1#1', 'm2#1', 'm1#2', 'm3#1', 'm3#2']);
    expect(sqs.dlq.size).toBe(0);
  });

  it('stops when a delete fails after the send, leaving the message on the dead-letter queue', async () => {
    // Arrange
    const sqs = new ScriptedSqs([[received('m1', 1), received('m2', 1)]]);
    sqs.failDelete = true;

    // Act
    const result = await redriveDeadLetters(sqs.client, QUEUES, { waitForHeldSeconds: 0 });

    // Assert: m1 is on both queues (not lost), m2 was not touched.
    expect(result).toMatchObject({ moved: 0, notDeleted: ['m1'], error: 'DeleteMessage: service unavailable' });
    expect(sqs.sent.map((input) => JSON.parse(input.MessageBody!).id)).toEqual(['m1']);
    expect([...sqs.dlq]).toEqual(['m1', 'm2']);
  });

  it('deletes nothing when the send fails', async () => {
    // Arrange
    const sqs = new ScriptedSqs([[received('m1', 1)]]);
    sqs.failSend = true;

    // Act
    const result = await redriveDeadLetters(sqs.client, QUEUES, { waitForHeldSeconds: 0 });

    // Assert
    expect(result).toMatchObject({ moved: 0, notDeleted: [], error: 'SendMessage: service unavailable' });
    expect(sqs.deletes).toEqual([]);
    expect([...sqs.dlq]).toEqual(['m1']);
  });
});

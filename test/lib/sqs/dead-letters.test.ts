import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SqsQueueGateway } from '../../../lib/clients/queue-gateway.js';
import { listDeadLetters, readDeadLetter, redriveDeadLetters } from '../../../lib/sqs/dead-letters.js';
import { startLocalSqs, type LocalQueue, type LocalSqs } from '../../../local/local-sqs.js';
import { depthOf, queuePair } from '../../support/local-queues.js';

let sqs: LocalSqs;
let queue: LocalQueue;
let dlq: LocalQueue;

beforeAll(async () => {
  sqs = await startLocalSqs();
});
afterAll(async () => {
  await sqs.stop();
});
beforeEach(async () => {
  ({ queue, dlq } = await queuePair(sqs, 30));
});

/** Dead-letters messages as the consumers do: their own attributes plus the reason. */
async function deadLetter(...letters: Array<{ ticket: number; code: string }>): Promise<void> {
  const gateway = new SqsQueueGateway(sqs.client);
  for (const { ticket, code } of letters)
    await gateway.deadLetter(
      dlq.url,
      {
        body: JSON.stringify({
          type: 'ticket.sync',
          change: { ticket_id: ticket, requester_email: 'ann@example.com' },
        }),
        attributes: { intent: 'ticket.sync', delivery_count: '3' },
      },
      { code, message: `refused ticket ${ticket}` },
    );
}

async function receiveAll(queueUrl: string) {
  const { Messages = [] } = await sqs.client.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
  );
  return Messages;
}

describe('listDeadLetters', () => {
  it('counts the messages by reason and lists those of one reason, leaving every message on the queue', async () => {
    // Arrange
    await deadLetter(
      { ticket: 1, code: 'STRING_TOO_LONG' },
      { ticket: 2, code: 'RETRIES_EXHAUSTED' },
      { ticket: 3, code: 'STRING_TOO_LONG' },
    );

    // Act
    const listing = await listDeadLetters(sqs.client, dlq.url, { reason: 'STRING_TOO_LONG' });
    const again = await listDeadLetters(sqs.client, dlq.url, { limit: 1 });

    // Assert
    expect(listing.byReason).toEqual({ STRING_TOO_LONG: 2, RETRIES_EXHAUSTED: 1 });
    expect(listing.messages.map((letter) => letter.summary).sort()).toEqual([
      'ticket.sync ticket_id=1',
      'ticket.sync ticket_id=3',
    ]);
    expect(listing.messages[0]).toMatchObject({ reasonCode: 'STRING_TOO_LONG', deliveryCount: 3 });
    expect(again).toMatchObject({ total: 3, inFlight: 0 });
    expect(again.messages).toHaveLength(1);
    expect(await depthOf(sqs, dlq.url)).toBe(3);
  });
});

describe('readDeadLetter', () => {
  it('reads one message with all its attributes and its body, and knows no other id', async () => {
    // Arrange
    await deadLetter({ ticket: 7, code: 'INVALID_FIELD' }, { ticket: 8, code: 'INVALID_FIELD' });
    const [wanted] = (await listDeadLetters(sqs.client, dlq.url)).messages;

    // Act
    const letter = await readDeadLetter(sqs.client, dlq.url, wanted!.messageId);
    const unknown = await readDeadLetter(sqs.client, dlq.url, 'no-such-message');

    // Assert
    expect(letter).toEqual(wanted);
    expect(letter?.attributes).toEqual({
      intent: 'ticket.sync',
      delivery_count: '3',
      reason_code: 'INVALID_FIELD',
      reason: expect.stringMatching(/^refused ticket [78]$/),
      dead_lettered_at: expect.any(String),
    });
    expect(JSON.parse(letter!.body)).toMatchObject({ type: 'ticket.sync' });
    expect(unknown).toBeUndefined();
  });
});

describe('redriveDeadLetters', () => {
  it('moves only the messages of one reason, as fresh messages with their own attributes', async () => {
    // Arrange
    await deadLetter(
      { ticket: 1, code: 'STRING_TOO_LONG' },
      { ticket: 2, code: 'EVIDENCE_CONFLICT' },
      { ticket: 3, code: 'STRING_TOO_LONG' },
    );
    const progress: number[] = [];

    // Act
    const result = await redriveDeadLetters(
      sqs.client,
      { dlqUrl: dlq.url, queueUrl: queue.url },
      { reason: 'STRING_TOO_LONG', onProgress: ({ moved }) => progress.push(moved) },
    );

    // Assert
    expect(result).toMatchObject({ moved: 2, skipped: 1, held: 0, notDeleted: [] });
    expect(result.error).toBeUndefined();
    expect(progress).toContain(2);
    const redriven = await receiveAll(queue.url);
    expect(redriven.map((message) => JSON.parse(message.Body!).change.ticket_id).sort()).toEqual([1, 3]);
    expect(redriven.map((message) => Object.keys(message.MessageAttributes ?? {}))).toEqual([['intent'], ['intent']]);
    const left = await listDeadLetters(sqs.client, dlq.url);
    expect(left.byReason).toEqual({ EVIDENCE_CONFLICT: 1 });
  });

  it('moves at most --limit messages and leaves the rest', async () => {
    // Arrange
    await deadLetter(
      { ticket: 1, code: 'RETRIES_EXHAUSTED' },
      { ticket: 2, code: 'RETRIES_EXHAUSTED' },
      { ticket: 3, code: 'RETRIES_EXHAUSTED' },
    );

    // Act
    const result = await redriveDeadLetters(sqs.client, { dlqUrl: dlq.url, queueUrl: queue.url }, { limit: 2 });

    // Assert
    expect(result.moved).toBe(2);
    expect(await depthOf(sqs, queue.url)).toBe(2);
    expect((await listDeadLetters(sqs.client, dlq.url)).total).toBe(1);
  });

  it('waits for messages a read holds instead of calling the queue empty', async () => {
    // Arrange: a listing has just released them, so they are hidden for a second.
    await deadLetter({ ticket: 1, code: 'RETRIES_EXHAUSTED' }, { ticket: 2, code: 'RETRIES_EXHAUSTED' });
    await listDeadLetters(sqs.client, dlq.url);

    // Act
    const result = await redriveDeadLetters(sqs.client, { dlqUrl: dlq.url, queueUrl: queue.url });

    // Assert
    expect(result).toMatchObject({ moved: 2, held: 0 });
    expect(await depthOf(sqs, dlq.url)).toBe(0);
  });
});

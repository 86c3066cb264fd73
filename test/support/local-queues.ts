import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { createQueues, type LocalQueue, type LocalSqs } from '../../local/local-sqs.js';

let counter = 0;

/** A fresh queue and its dead-letter queue on a local SQS; a short visibility timeout makes re-deliveries quick. */
export async function queuePair(
  sqs: LocalSqs,
  visibilityTimeoutSeconds: number,
  maxReceiveCount = 3,
): Promise<{ queue: LocalQueue; dlq: LocalQueue }> {
  counter += 1;
  const queues = await createQueues(sqs, [
    { logicalId: 'Dlq', name: `dlq-${counter}`, visibilityTimeoutSeconds: 30, attributes: {} },
    {
      logicalId: 'Main',
      name: `main-${counter}`,
      visibilityTimeoutSeconds,
      attributes: { VisibilityTimeout: String(visibilityTimeoutSeconds) },
      deadLetter: { logicalId: 'Dlq', maxReceiveCount },
    },
  ]);
  return { queue: queues.get('Main')!, dlq: queues.get('Dlq')! };
}

export async function sendBodies(sqs: LocalSqs, queueUrl: string, bodies: readonly string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const Entries = bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body }));
    await sqs.client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
  }
}

/** Messages on a queue, visible or in flight. */
export async function depthOf(sqs: LocalSqs, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalQueue } from '../local-sqs.js';
import type { QueueDefinition } from '../serverless-definition.js';

/** Messages on one queue: waiting, received and not yet finished, and delayed (a retry's back-off). */
export interface Depth {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** A work queue of serverless.yml with its dead-letter queue. */
export interface QueueView {
  logicalId: string;
  name: string;
  depth: Depth;
  deadLetter: { logicalId: string; name: string; depth: Depth };
}

const ATTRIBUTES = {
  visible: 'ApproximateNumberOfMessages',
  inFlight: 'ApproximateNumberOfMessagesNotVisible',
  delayed: 'ApproximateNumberOfMessagesDelayed',
} as const;

/** Each work queue's depth beside its dead-letter queue's, in serverless.yml's order. */
export async function queueDepths(
  sqs: SQSClient,
  definitions: readonly QueueDefinition[],
  queues: ReadonlyMap<string, LocalQueue>,
): Promise<QueueView[]> {
  const views = definitions.flatMap((definition) => {
    const queue = queues.get(definition.logicalId);
    const dlq = definition.deadLetter && queues.get(definition.deadLetter.logicalId);
    return queue && dlq && definition.deadLetter
      ? [{ definition, queue, dlq, dlqLogicalId: definition.deadLetter.logicalId }]
      : [];
  });
  return Promise.all(
    views.map(async ({ definition, queue, dlq, dlqLogicalId }) => ({
      logicalId: definition.logicalId,
      name: queue.name,
      depth: await depthOf(sqs, queue.url),
      deadLetter: { logicalId: dlqLogicalId, name: dlq.name, depth: await depthOf(sqs, dlq.url) },
    })),
  );
}

async function depthOf(sqs: SQSClient, queueUrl: string): Promise<Depth> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: Object.values(ATTRIBUTES) }),
  );
  return {
    visible: Number(Attributes[ATTRIBUTES.visible] ?? 0),
    inFlight: Number(Attributes[ATTRIBUTES.inFlight] ?? 0),
    delayed: Number(Attributes[ATTRIBUTES.delayed] ?? 0),
  };
}

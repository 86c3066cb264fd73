/** The dead-letter queues of a target and the work queues they belong to, by the consumer's short name. */
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { resourceName, type Target } from './target.js';

/** Every work queue has a dead-letter queue named after it (`switchboard-<stage>-<name>-dlq`, serverless.yml). */
export const QUEUE_NAMES = ['salesforce', 'mixpanel', 'zendesk', 'usage'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface DeadLetterQueue {
  name: QueueName;
  /** The dead-letter queue's own name, e.g. `switchboard-prod-mixpanel-dlq`. */
  dlqName: string;
  dlqUrl: string;
  queueUrl: string;
}

export function isQueueName(value: string): value is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(value);
}

/** The URLs of the named queues' dead-letter and work queues in the target. */
export async function locateQueues(
  sqs: SQSClient,
  target: Target,
  names: readonly QueueName[],
): Promise<DeadLetterQueue[]> {
  const url = async (queueName: string): Promise<string> => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    if (!QueueUrl) throw new Error(`SQS has no URL for ${queueName}`);
    return QueueUrl;
  };
  return Promise.all(
    names.map(async (name) => {
      const dlqName = resourceName(target, `${name}-dlq`);
      return { name, dlqName, dlqUrl: await url(dlqName), queueUrl: await url(resourceName(target, name)) };
    }),
  );
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  if (!Attributes?.QueueArn) throw new Error(`SQS has no ARN for ${queueUrl}`);
  return Attributes.QueueArn;
}

/** Messages waiting on a queue (visible), for a progress bar's total. */
export async function waitingMessages(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { listDeadLetters, redriveDeadLetters } from '../../lib/sqs/dead-letters.js';
import type { RunningHub } from '../hub.js';
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
  deadLetter: {
    logicalId: string;
    name: string;
    depth: Depth;
    /** How many dead letters have each `reason_code`, most frequent first. */
    reasons: Array<{ code: string; count: number }>;
  };
}

/** What a redrive did: moved back to the work queue, left on the dead-letter queue, and why it stopped. */
export interface RedriveView {
  queue: string;
  redriven: number;
  skipped: number;
  error?: string;
}

/** How long a redrive waits for dead letters another reader holds (a listing of the page holds them briefly). */
const HELD_WAIT_SECONDS = 5;

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
    views.map(async ({ definition, queue, dlq, dlqLogicalId }) => {
      const dead = await depthOf(sqs, dlq.url);
      // Listing receives (and releases) the messages: only when there are some to read.
      const byReason = dead.visible > 0 ? (await listDeadLetters(sqs, dlq.url, { limit: 0 })).byReason : {};
      return {
        logicalId: definition.logicalId,
        name: queue.name,
        depth: await depthOf(sqs, queue.url),
        deadLetter: {
          logicalId: dlqLogicalId,
          name: dlq.name,
          depth: dead,
          reasons: Object.entries(byReason)
            .map(([code, count]) => ({ code, count }))
            .sort((a, b) => b.count - a.count),
        },
      };
    }),
  );
}

/** Moves a work queue's dead letters back to it (lib/sqs/dead-letters), those dead-lettered before the call. */
export async function redrive(
  hub: Pick<RunningHub, 'sqs' | 'queues' | 'definition'>,
  logicalId: string,
): Promise<RedriveView> {
  const definition = hub.definition.queues.find((queue) => queue.logicalId === logicalId);
  const queue = hub.queues.get(logicalId);
  const dlq = definition?.deadLetter && hub.queues.get(definition.deadLetter.logicalId);
  if (!queue || !dlq) throw new Error(`${logicalId} is not a work queue with a dead-letter queue`);
  const result = await redriveDeadLetters(
    hub.sqs.client,
    { dlqUrl: dlq.url, queueUrl: queue.url },
    { waitForHeldSeconds: HELD_WAIT_SECONDS },
  );
  return {
    queue: logicalId,
    redriven: result.moved,
    skipped: result.skipped,
    ...(result.error ? { error: result.error } : {}),
  };
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

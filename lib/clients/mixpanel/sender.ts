import { BACKOFF, type BackoffOptions } from '../../sqs/backoff.js';
import { createBatchConsumer } from '../../sqs/consumer.js';
import type { QueueGateway } from '../queue-gateway.js';
import { queuedOf } from './carry.js';
import type { MixpanelGateway } from './client.js';
import { MixpanelIntent, sendMixpanelIntents } from './intents.js';
import type { VersionGate } from './version-gate.js';

export interface MixpanelSenderDependencies {
  mixpanel: MixpanelGateway;
  gate: VersionGate;
  queue: QueueGateway;
  /** The mixpanel queue: the sender reads it, and carries part-filled calls back onto it. */
  queueUrl: string;
  dlqUrl: string;
  maxReceiveCount: number;
  /** How long a record may be carried from when it was first queued (MIXPANEL_CARRY_SECONDS). */
  carrySeconds: number;
  /** Mixpanel's own schedule unless given (tests shorten it). */
  backoff?: BackoffOptions;
  now?: () => number;
}

/**
 * Consumer of the mixpanel queue: events, profile and group updates, 2,000 per Mixpanel call; a
 * part-filled last call may wait on the queue for a later invocation to fill (./carry.ts).
 */
export function createMixpanelSender(deps: MixpanelSenderDependencies) {
  const now = deps.now ?? Date.now;
  return createBatchConsumer({
    name: 'mixpanel',
    schema: MixpanelIntent,
    queue: deps.queue,
    queueUrl: deps.queueUrl,
    dlqUrl: deps.dlqUrl,
    maxReceiveCount: deps.maxReceiveCount,
    // Mixpanel asks for back-off from 2 s doubling to 60 s on 429 and 5xx.
    backoff: deps.backoff ?? BACKOFF.mixpanel,
    handleBatch: (messages) =>
      sendMixpanelIntents(
        deps.mixpanel,
        messages.map((message) => message.body),
        {
          gate: deps.gate,
          carry: {
            maxAgeMs: deps.carrySeconds * 1000,
            queued: messages.map(queuedOf),
            now: now(),
            send: (carried) => deps.queue.send(deps.queueUrl, carried),
          },
        },
      ),
  });
}

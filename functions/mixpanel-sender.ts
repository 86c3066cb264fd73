import { ApiPause } from '../lib/clients/api-pause.js';
import { SqsQueueGateway } from '../lib/clients/queue-gateway.js';
import { carrySettings, queuedOf } from '../lib/clients/mixpanel/carry.js';
import { MixpanelClient } from '../lib/clients/mixpanel/client.js';
import { loadMixpanelConfig } from '../lib/clients/mixpanel/config.js';
import { MixpanelIntent, sendMixpanelIntents } from '../lib/clients/mixpanel/intents.js';
import { PausedMixpanelGateway } from '../lib/clients/mixpanel/paused.js';
import { StoredVersionGate } from '../lib/clients/mixpanel/version-gate.js';
import { DynamoStateStore, stateStoreSettings } from '../lib/clients/state-store.js';
import { parseEnv, queueSettings, ssmParameterReader } from '../lib/config.js';
import { BACKOFF } from '../lib/sqs/backoff.js';
import { createBatchConsumer } from '../lib/sqs/consumer.js';

// Built once per container: config (with secrets from SSM), clients.
const settings = parseEnv({ ...queueSettings, ...stateStoreSettings, ...carrySettings });
const state = DynamoStateStore.create({ tableName: settings.STATE_TABLE, endpoint: settings.DYNAMODB_ENDPOINT });
// A 429 seen by one sender container pauses Mixpanel for all of them.
const mixpanel = new PausedMixpanelGateway(
  new MixpanelClient(await loadMixpanelConfig(ssmParameterReader)),
  new ApiPause(state, 'mixpanel'),
);
// The last applied version of each source record: an older redelivery never overwrites newer values.
const gate = new StoredVersionGate(state);

const queue = SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT });

/**
 * Consumer of the mixpanel queue: events, profile and group updates, 2,000 per Mixpanel call; a
 * part-filled last call may wait on the queue for a later invocation to fill (MIXPANEL_CARRY_SECONDS).
 */
export const handler = createBatchConsumer({
  name: 'mixpanel',
  schema: MixpanelIntent,
  queue,
  queueUrl: settings.MIXPANEL_QUEUE_URL,
  dlqUrl: settings.MIXPANEL_DLQ_URL,
  maxReceiveCount: settings.MAX_RECEIVE_COUNT,
  // Mixpanel asks for back-off from 2 s doubling to 60 s on 429 and 5xx.
  backoff: BACKOFF.mixpanel,
  handleBatch: (messages) =>
    sendMixpanelIntents(
      mixpanel,
      messages.map((message) => message.body),
      {
        gate,
        carry: {
          maxAgeMs: settings.MIXPANEL_CARRY_SECONDS * 1000,
          queued: messages.map(queuedOf),
          now: Date.now(),
          send: (carried) => queue.send(settings.MIXPANEL_QUEUE_URL, carried),
        },
      },
    ),
});

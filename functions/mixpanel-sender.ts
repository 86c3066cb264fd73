import { ApiPause } from '../lib/clients/api-pause.js';
import { SqsQueueGateway } from '../lib/clients/queue-gateway.js';
import { carrySettings } from '../lib/clients/mixpanel/carry.js';
import { MixpanelClient } from '../lib/clients/mixpanel/client.js';
import { loadMixpanelConfig } from '../lib/clients/mixpanel/config.js';
import { PausedMixpanelGateway } from '../lib/clients/mixpanel/paused.js';
import { createMixpanelSender } from '../lib/clients/mixpanel/sender.js';
import { StoredVersionGate } from '../lib/clients/mixpanel/version-gate.js';
import { DynamoStateStore, stateStoreSettings } from '../lib/clients/state-store.js';
import { parseEnv, queueSettings, ssmParameterReader } from '../lib/config.js';

// Built once per container: config (with secrets from SSM), clients.
const settings = parseEnv({ ...queueSettings, ...stateStoreSettings, ...carrySettings });
const state = DynamoStateStore.create({ tableName: settings.STATE_TABLE, endpoint: settings.DYNAMODB_ENDPOINT });

/**
 * Consumer of the mixpanel queue: events, profile and group updates, 2,000 per Mixpanel call; a
 * part-filled last call may wait on the queue for a later invocation to fill (MIXPANEL_CARRY_SECONDS).
 */
export const handler = createMixpanelSender({
  // A 429 seen by one sender container pauses Mixpanel for all of them.
  mixpanel: new PausedMixpanelGateway(
    new MixpanelClient(await loadMixpanelConfig(ssmParameterReader)),
    new ApiPause(state, 'mixpanel'),
  ),
  // The last applied version of each source record: an older redelivery never overwrites newer values.
  gate: new StoredVersionGate(state),
  queue: SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT }),
  queueUrl: settings.MIXPANEL_QUEUE_URL,
  dlqUrl: settings.MIXPANEL_DLQ_URL,
  maxReceiveCount: settings.MAX_RECEIVE_COUNT,
  carrySeconds: settings.MIXPANEL_CARRY_SECONDS,
});

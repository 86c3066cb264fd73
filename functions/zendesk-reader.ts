import { ApiPause } from '../lib/clients/api-pause.js';
import { SqsQueueGateway } from '../lib/clients/queue-gateway.js';
import { DynamoStateStore, stateStoreSettings } from '../lib/clients/state-store.js';
import { ZendeskClient } from '../lib/clients/zendesk/client.js';
import { loadZendeskConfig } from '../lib/clients/zendesk/config.js';
import { PausedZendeskGateway } from '../lib/clients/zendesk/paused.js';
import { parseEnv, queueSettings, ssmParameterReader } from '../lib/config.js';
import { BACKOFF } from '../lib/sqs/backoff.js';
import { createBatchConsumer } from '../lib/sqs/consumer.js';
import { ResolveRequesterIntent } from '../lib/tickets/intents.js';
import { resolveRequesters } from '../lib/tickets/resolve.js';

const settings = parseEnv({ ...queueSettings, ...stateStoreSettings });
const state = DynamoStateStore.create({ tableName: settings.STATE_TABLE, endpoint: settings.DYNAMODB_ENDPOINT });
// A 429 seen by one reader container pauses Zendesk for all of them, for its Retry-After.
const zendesk = new PausedZendeskGateway(
  new ZendeskClient(await loadZendeskConfig(ssmParameterReader)),
  new ApiPause(state, 'zendesk'),
);
const queue = SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT });

/** Consumer of the zendesk queue: requester look-ups, 100 users per Zendesk call. */
export const handler = createBatchConsumer({
  name: 'zendesk',
  schema: ResolveRequesterIntent,
  queue,
  queueUrl: settings.ZENDESK_QUEUE_URL,
  dlqUrl: settings.ZENDESK_DLQ_URL,
  maxReceiveCount: settings.MAX_RECEIVE_COUNT,
  backoff: BACKOFF.zendesk,
  handleBatch: (messages) =>
    resolveRequesters(
      messages.map((message) => message.body.change),
      { zendesk, queue, salesforceQueueUrl: settings.SALESFORCE_QUEUE_URL },
    ),
});

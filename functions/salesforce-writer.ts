import { z } from 'zod';
import { SqsQueueGateway } from '../lib/clients/queue-gateway.js';
import { SalesforceClient } from '../lib/clients/salesforce/client.js';
import { loadSalesforceConfig } from '../lib/clients/salesforce/config.js';
import { parseEnv, queueSettings, ssmParameterReader } from '../lib/config.js';
import { createBatchConsumer } from '../lib/sqs/consumer.js';
import { loadCaseMapping } from '../lib/tickets/case-mapping.js';
import { TicketSyncIntent } from '../lib/tickets/intents.js';
import { syncTickets } from '../lib/tickets/sync.js';

const settings = parseEnv({ ...queueSettings, UNMATCHED_REQUESTER_POLICY: z.enum(['skip', 'email']).default('skip') });
const salesforce = new SalesforceClient(await loadSalesforceConfig(ssmParameterReader));
const queue = SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT });
const mapping = loadCaseMapping();

/** Consumer of the salesforce queue: Case upserts in collections of 200, then the Mixpanel intents. */
export const handler = createBatchConsumer({
  name: 'salesforce',
  schema: TicketSyncIntent,
  queue,
  queueUrl: settings.SALESFORCE_QUEUE_URL,
  dlqUrl: settings.SALESFORCE_DLQ_URL,
  maxReceiveCount: settings.MAX_RECEIVE_COUNT,
  handleBatch: (messages) =>
    syncTickets(
      messages.map((message) => message.body.change),
      { salesforce, queue, mixpanelQueueUrl: settings.MIXPANEL_QUEUE_URL, mapping, unmatchedPolicy: settings.UNMATCHED_REQUESTER_POLICY },
    ),
});

import { z } from 'zod';
import { SqsQueueGateway } from '../lib/clients/queue-gateway.js';
import { SalesforceClient } from '../lib/clients/salesforce/client.js';
import { loadSalesforceConfig } from '../lib/clients/salesforce/config.js';
import { parseEnv, queueSettings, ssmParameterReader } from '../lib/config.js';
import { BACKOFF } from '../lib/sqs/backoff.js';
import { createBatchConsumer } from '../lib/sqs/consumer.js';
import { dispatchByType } from '../lib/sqs/dispatch.js';
import { TermsRecordIntent } from '../lib/terms/intents.js';
import { recordAcceptances } from '../lib/terms/record.js';
import { loadCaseMapping } from '../lib/tickets/case-mapping.js';
import { TicketSyncIntent } from '../lib/tickets/intents.js';
import { syncTickets } from '../lib/tickets/sync.js';

const settings = parseEnv({ ...queueSettings, UNMATCHED_REQUESTER_POLICY: z.enum(['skip', 'email']).default('skip') });
const salesforce = new SalesforceClient(await loadSalesforceConfig(ssmParameterReader));
const queue = SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT });
const mapping = loadCaseMapping();
const SalesforceIntent = z.discriminatedUnion('type', [TicketSyncIntent, TermsRecordIntent]);

/** Consumer of the salesforce queue: Cases and terms evidence in collections of 200, then their Mixpanel intents. */
export const handler = createBatchConsumer({
  name: 'salesforce',
  schema: SalesforceIntent,
  queue,
  queueUrl: settings.SALESFORCE_QUEUE_URL,
  dlqUrl: settings.SALESFORCE_DLQ_URL,
  maxReceiveCount: settings.MAX_RECEIVE_COUNT,
  backoff: BACKOFF.salesforce,
  handleBatch: dispatchByType<z.infer<typeof SalesforceIntent>>({
    'ticket.sync': (intents) =>
      syncTickets(
        intents.map((intent) => intent.change),
        {
          salesforce,
          queue,
          mixpanelQueueUrl: settings.MIXPANEL_QUEUE_URL,
          mapping,
          unmatchedPolicy: settings.UNMATCHED_REQUESTER_POLICY,
        },
      ),
    'terms.record': (intents) =>
      recordAcceptances(
        intents.map((intent) => intent.acceptance),
        { salesforce, queue, mixpanelQueueUrl: settings.MIXPANEL_QUEUE_URL },
      ),
  }),
});

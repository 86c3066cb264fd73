import * as z from '../lib/zod-mini.js';
import { SqsQueueGateway } from '../lib/clients/queue-gateway.js';
import { SalesforceClient } from '../lib/clients/salesforce/client.js';
import { createBudgetLedger, loadSalesforceConfig } from '../lib/clients/salesforce/config.js';
import { DynamoStateStore, stateStoreSettings } from '../lib/clients/state-store.js';
import { parseEnv, queueSettings, ssmParameterReader } from '../lib/config.js';
import { DEFAULT_ACCOUNT_USERS_TTL_SECONDS, usersOfAccounts } from '../lib/outbound/account-users.js';
import { fanOut } from '../lib/outbound/fanout.js';
import { OutboundFanOutIntent } from '../lib/outbound/intents.js';
import { BACKOFF } from '../lib/sqs/backoff.js';
import { createBatchConsumer } from '../lib/sqs/consumer.js';
import { dispatchByType } from '../lib/sqs/dispatch.js';
import { TermsRecordIntent } from '../lib/terms/intents.js';
import { recordAcceptances } from '../lib/terms/record.js';
import { loadCaseMapping } from '../lib/tickets/case-mapping.js';
import { ContactDirectory, DEFAULT_CONTACT_CACHE_TTL_SECONDS } from '../lib/tickets/contacts.js';
import { TicketSyncIntent } from '../lib/tickets/intents.js';
import { syncTickets } from '../lib/tickets/sync.js';

const settings = parseEnv({
  ...queueSettings,
  ...stateStoreSettings,
  UNMATCHED_REQUESTER_POLICY: z._default(z.enum(['skip', 'email']), 'skip'),
  ACCOUNT_USERS_TTL_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(0)),
    DEFAULT_ACCOUNT_USERS_TTL_SECONDS,
  ),
  CONTACT_CACHE_TTL_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(0)),
    DEFAULT_CONTACT_CACHE_TTL_SECONDS,
  ),
});
const queue = SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT });
const state = DynamoStateStore.create({ tableName: settings.STATE_TABLE, endpoint: settings.DYNAMODB_ENDPOINT });
const salesforceConfig = await loadSalesforceConfig(ssmParameterReader);
// Tickets, terms and fan-outs may spend the whole shared budget, the sync's reserve included.
const salesforce = new SalesforceClient(salesforceConfig, {
  budget: { ledger: createBudgetLedger(state, salesforceConfig), priority: 'interactive' },
});
const mapping = loadCaseMapping();
// Built once per container: its memory of email → Contact outlives the invocation.
const contacts = new ContactDirectory({ salesforce, state, ttlSeconds: settings.CONTACT_CACHE_TTL_SECONDS });
const SalesforceIntent = z.discriminatedUnion('type', [TicketSyncIntent, TermsRecordIntent, OutboundFanOutIntent]);

/**
 * Consumer of the salesforce queue: Cases and terms evidence in collections of 200, then their
 * Mixpanel intents; outbound fan-outs to every user of an account.
 */
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
          contacts,
          unmatchedPolicy: settings.UNMATCHED_REQUESTER_POLICY,
        },
      ),
    'terms.record': (intents) =>
      recordAcceptances(
        intents.map((intent) => intent.acceptance),
        { salesforce, queue, mixpanelQueueUrl: settings.MIXPANEL_QUEUE_URL },
      ),
    'outbound.fanout': (intents) =>
      fanOut(intents, {
        usersOf: (accountIds) =>
          usersOfAccounts(accountIds, { salesforce, state, ttlSeconds: settings.ACCOUNT_USERS_TTL_SECONDS }),
        queue,
        mixpanelQueueUrl: settings.MIXPANEL_QUEUE_URL,
      }),
  }),
});

import * as z from '../lib/zod-mini.js';
import defaultMapping from '../config/outbound-mapping.json' with { type: 'json' };
import { SqsQueueGateway, type QueueGateway } from '../lib/clients/queue-gateway.js';
import { parseEnv, queueSettings, resolveSecrets, ssmParameterReader } from '../lib/config.js';
import { HttpError } from '../lib/errors.js';
import { httpHandler } from '../lib/http/handler.js';
import { logger } from '../lib/observability.js';
import { acceptOutboundMessage, OrganizationId, type OutboundIngressSettings } from '../lib/outbound/ingress.js';
import { toFanOutMessages, toMixpanelMessages } from '../lib/outbound/intents.js';
import { parseOutboundMapping, parseOutboundMappingJson } from '../lib/outbound/mapping.js';
import { ackResponse, faultResponse } from '../lib/outbound/soap.js';

const settings = parseEnv({
  ...queueSettings,
  SALESFORCE_ORGANIZATION_ID: OrganizationId,
  /** JSON replacing the shipped config/outbound-mapping.json (README "Salesforce Outbound Messages"). */
  OUTBOUND_MAPPING: z.optional(z.string()),
});
const { SALESFORCE_OUTBOUND_TOKEN } = await resolveSecrets(['SALESFORCE_OUTBOUND_TOKEN'], ssmParameterReader);

export interface SalesforceOutboundDeps extends OutboundIngressSettings {
  queue: QueueGateway;
  mixpanelQueueUrl: string;
  salesforceQueueUrl: string;
}

/**
 * POST /webhooks/salesforce/{token}: Salesforce Outbound Messages. Verify, map to intents, enqueue,
 * and only then Ack; every refusal is a SOAP fault, and Salesforce redelivers whatever is not acked.
 */
export function createHandler(deps: SalesforceOutboundDeps) {
  return httpHandler(async (event) => {
    const requestId = event.requestContext?.requestId;
    let accepted;
    try {
      accepted = acceptOutboundMessage(
        { token: event.pathParameters?.token, contentType: event.headers['content-type'], body: event.rawBody },
        deps,
      );
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      logger.warn('Outbound message refused', { status: error.statusCode, reason: error.message });
      return faultResponse(error.statusCode, error.message, requestId);
    }
    try {
      const sends = [
        { url: deps.mixpanelQueueUrl, messages: toMixpanelMessages(accepted.mixpanel) },
        { url: deps.salesforceQueueUrl, messages: toFanOutMessages(accepted.fanOut) },
      ].filter((send) => send.messages.length > 0);
      await Promise.all(sends.map((send) => deps.queue.send(send.url, send.messages)));
    } catch (error) {
      logger.error('Outbound message not enqueued; Salesforce will redeliver it', { error });
      return faultResponse(500, 'The hub could not store the notifications; redeliver later', requestId);
    }
    logger.info('Outbound message accepted', {
      notifications: accepted.notifications,
      mixpanelIntents: accepted.mixpanel.length,
      fanOutIntents: accepted.fanOut.length,
      unmatched: accepted.unmatched,
      skipped: accepted.skipped,
    });
    return ackResponse();
  });
}

export const handler = createHandler({
  queue: SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT }),
  mixpanelQueueUrl: settings.MIXPANEL_QUEUE_URL,
  salesforceQueueUrl: settings.SALESFORCE_QUEUE_URL,
  token: SALESFORCE_OUTBOUND_TOKEN,
  organizationId: settings.SALESFORCE_ORGANIZATION_ID,
  mapping: settings.OUTBOUND_MAPPING
    ? parseOutboundMappingJson(settings.OUTBOUND_MAPPING, 'OUTBOUND_MAPPING')
    : parseOutboundMapping(defaultMapping, 'config/outbound-mapping.json'),
});

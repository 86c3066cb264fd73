import * as z from '../lib/zod-mini.js';
import { SqsQueueGateway } from '../lib/clients/queue-gateway.js';
import { parseEnv, queueSettings, resolveSecrets, ssmParameterReader } from '../lib/config.js';
import { httpHandler } from '../lib/http/handler.js';
import { parseJsonBody } from '../lib/http/middleware.js';
import { signedPartsOf, verifySignedRequest } from '../lib/http/signature.js';
import { jsonResponse } from '../lib/http/types.js';
import { logger } from '../lib/observability.js';
import { enqueueTicketChanges, parseZendeskWebhook, type TicketRouting } from '../lib/tickets/ingress.js';

const settings = parseEnv({ ...queueSettings, ZENDESK_API_URL: z.optional(z.url()) });
const { ZENDESK_WEBHOOK_SECRET } = await resolveSecrets(['ZENDESK_WEBHOOK_SECRET'], ssmParameterReader);

// Zendesk signs base64(HMAC-SHA256(secret, timestamp + body)); five minutes bounds a replay.
const ZENDESK_SIGNATURE = {
  signatureHeader: 'X-Zendesk-Webhook-Signature',
  timestampHeader: 'X-Zendesk-Webhook-Signature-Timestamp',
  maxAgeSeconds: 300,
};

export interface ZendeskWebhookDeps extends TicketRouting {
  secret: string;
  /** The Zendesk API base, for ticket links; without it a Case has none. */
  zendeskApiUrl: string | undefined;
}

/** POST /webhooks/zendesk: verify, validate, enqueue, 202. No SaaS call on the request path. */
export function createHandler(deps: ZendeskWebhookDeps) {
  return httpHandler(async (event) => {
    verifySignedRequest(signedPartsOf(event, ZENDESK_SIGNATURE), deps.secret, ZENDESK_SIGNATURE);
    const parsed = parseZendeskWebhook(parseJsonBody(event), deps.zendeskApiUrl);
    if ('ignored' in parsed) {
      logger.info('Zendesk event ignored', { reason: parsed.ignored });
      return jsonResponse(202, { accepted: 0, ignored: parsed.ignored });
    }
    await enqueueTicketChanges([parsed.change], deps);
    return jsonResponse(202, { accepted: 1, ticketId: parsed.change.ticketId });
  });
}

export const handler = createHandler({
  queue: SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT }),
  secret: ZENDESK_WEBHOOK_SECRET,
  salesforceQueueUrl: settings.SALESFORCE_QUEUE_URL,
  zendeskQueueUrl: settings.ZENDESK_QUEUE_URL,
  zendeskApiUrl: settings.ZENDESK_API_URL,
});

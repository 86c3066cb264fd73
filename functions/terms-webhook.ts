import { SqsQueueGateway, type QueueGateway } from '../lib/clients/queue-gateway.js';
import { parseEnv, queueSettings, resolveSecrets, ssmParameterReader } from '../lib/config.js';
import { httpHandler } from '../lib/http/handler.js';
import { parseJsonBody } from '../lib/http/middleware.js';
import { signedPartsOf, verifySignedRequest } from '../lib/http/signature.js';
import { jsonResponse } from '../lib/http/types.js';
import { parseTermsWebhook, TERMS_SIGNATURE } from '../lib/terms/ingress.js';
import { toTermsMessage } from '../lib/terms/intents.js';

const settings = parseEnv(queueSettings);
const { TERMS_WEBHOOK_SECRET } = await resolveSecrets(['TERMS_WEBHOOK_SECRET'], ssmParameterReader);

export interface TermsWebhookDeps {
  queue: QueueGateway;
  salesforceQueueUrl: string;
  secret: string;
}

/** POST /webhooks/terms: the app reports acceptances; verify, validate, enqueue, 202. */
export function createHandler(deps: TermsWebhookDeps) {
  return httpHandler(async (event) => {
    verifySignedRequest(signedPartsOf(event, TERMS_SIGNATURE), deps.secret, TERMS_SIGNATURE);
    const acceptances = parseTermsWebhook(parseJsonBody(event));
    await deps.queue.send(deps.salesforceQueueUrl, acceptances.map(toTermsMessage));
    return jsonResponse(202, {
      accepted: acceptances.length,
      acceptanceIds: acceptances.map((acceptance) => acceptance.acceptance_id),
    });
  });
}

export const handler = createHandler({
  queue: SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT }),
  salesforceQueueUrl: settings.SALESFORCE_QUEUE_URL,
  secret: TERMS_WEBHOOK_SECRET,
});

import { SqsQueueGateway } from '../lib/clients/queue-gateway.js';
import { parseEnv, queueSettings, resolveSecrets, ssmParameterReader } from '../lib/config.js';
import { httpHandler } from '../lib/http/handler.js';
import { parseJsonBody } from '../lib/http/middleware.js';
import { verifySignedRequest } from '../lib/http/signature.js';
import { jsonResponse } from '../lib/http/types.js';
import { parseTermsWebhook, TERMS_SIGNATURE } from '../lib/terms/ingress.js';
import { toTermsMessage } from '../lib/terms/intents.js';

const settings = parseEnv(queueSettings);
const { TERMS_WEBHOOK_SECRET } = await resolveSecrets(['TERMS_WEBHOOK_SECRET'], ssmParameterReader);
const queue = SqsQueueGateway.create({ endpoint: settings.SQS_ENDPOINT });

/** POST /webhooks/terms: the app reports acceptances; verify, validate, enqueue, 202. */
export const handler = httpHandler(async (event) => {
  verifySignedRequest(
    {
      body: event.rawBody,
      signature: event.headers['x-switchboard-signature'],
      timestamp: event.headers['x-switchboard-timestamp'],
    },
    TERMS_WEBHOOK_SECRET,
    TERMS_SIGNATURE,
  );
  const acceptances = parseTermsWebhook(parseJsonBody(event));
  await queue.send(settings.SALESFORCE_QUEUE_URL, acceptances.map(toTermsMessage));
  return jsonResponse(202, {
    accepted: acceptances.length,
    acceptanceIds: acceptances.map((acceptance) => acceptance.acceptance_id),
  });
});

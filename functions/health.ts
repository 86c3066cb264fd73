import { httpHandler } from '../lib/http/handler.js';
import { jsonResponse } from '../lib/http/types.js';

/** GET /health: answers while the function can start, naming the deployment it belongs to. */
export const handler = httpHandler(() =>
  Promise.resolve(
    jsonResponse(200, {
      status: 'ok',
      service: process.env.POWERTOOLS_SERVICE_NAME ?? 'switchboard',
      stage: process.env.SWITCHBOARD_STAGE ?? 'local',
    }),
  ),
);

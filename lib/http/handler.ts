import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { httpErrors, rawBody, requestIds } from './middleware.js';
import type { HttpEvent, HttpResult } from './types.js';

/**
 * The middleware chain every HTTP function uses: request ids, error → status mapping, raw body.
 * Order matters: middy runs `before` in order and `onError` in reverse, so `httpErrors` turns any
 * failure into an answer and `requestIds` still stamps it.
 */
export function httpHandler(handler: (event: HttpEvent, context: Context) => Promise<HttpResult>) {
  return middy<HttpEvent, HttpResult>().use(requestIds()).use(httpErrors()).use(rawBody()).handler(handler);
}

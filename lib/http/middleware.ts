import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { $ZodError } from 'zod/v4/core';
import { HttpError, PermanentError, RetryableError } from '../errors.js';
import { logger } from '../observability.js';
import { wellFormed } from '../text.js';
import { jsonResponse, type HttpEvent, type HttpResult } from './types.js';

type Middleware = MiddlewareObj<HttpEvent, HttpResult>;

/** Decodes the body (HTTP API base64-encodes binary ones) to the exact text that was signed. */
export function rawBody(): Middleware {
  return {
    before: (request) => {
      const event = request.event as APIGatewayProxyEventV2 & { rawBody?: string };
      const body = event.body ?? '';
      event.rawBody = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
    },
  };
}

/**
 * Puts the API Gateway request id on every log line of the request and on its answer as
 * `x-request-id`; the keys are removed afterwards so they never leak into another invocation.
 */
export function requestIds(): Middleware {
  const forget = (): void => logger.removeKeys(['requestId', 'route']);
  return {
    before: (request) => {
      logger.appendKeys({ requestId: request.event.requestContext?.requestId, route: request.event.routeKey });
    },
    after: (request) => {
      const id = request.event.requestContext?.requestId;
      if (request.response && id) request.response.headers = { ...request.response.headers, 'x-request-id': id };
      forget();
    },
    onError: forget,
  };
}

/** Maps errors to a status and a message a person can act on; never leaks internals. */
export function httpErrors(): Middleware {
  return {
    onError: (request) => {
      request.response = errorResponse(request.error, request.event.requestContext?.requestId);
    },
  };
}

/**
 * The answer a request that failed with `error` gets: what `httpErrors` sends, and what a dry run
 * of a payload prints as the webhook's refusal.
 */
export function errorResponse(error: unknown, requestId: string | undefined): HttpResult {
  let response: HttpResult;
  if (error instanceof HttpError) {
    response = jsonResponse(error.statusCode, {
      error: error.message,
      ...(error.details ? { details: error.details } : {}),
      requestId,
    });
  } else if (error instanceof $ZodError) {
    const issues = error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
    }));
    const summary = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
    response = jsonResponse(400, { error: `Invalid request: ${summary}`, issues, requestId });
  } else if (error instanceof PermanentError) {
    response = jsonResponse(400, { error: error.message, code: error.code, requestId });
  } else if (error instanceof RetryableError) {
    logger.warn('Request could not be accepted now', { error });
    response = jsonResponse(
      503,
      { error: 'Temporarily unable to accept the request; retry later', requestId },
      { 'retry-after': String(error.retryAfterSeconds ?? 5) },
    );
  } else {
    logger.error('Unhandled error', { error });
    response = jsonResponse(500, { error: 'Internal error', requestId });
  }
  if (requestId) response.headers = { ...response.headers, 'x-request-id': requestId };
  return response;
}

// `application/json`, optionally with parameters; a charset, if named, must be UTF-8 (RFC 8259 §8.1).
const JSON_CONTENT_TYPE = /^application\/json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** Refuses with 415 any body not declared as JSON in UTF-8: Zendesk and the app send `application/json`. */
function checkContentType(contentType: string | undefined): void {
  const expected = 'Content-Type must be application/json (optionally with charset=utf-8)';
  if (!contentType) throw new HttpError(415, `${expected}; none was given`);
  if (!JSON_CONTENT_TYPE.test(contentType)) throw new HttpError(415, `${expected}, got ${contentType}`);
  const charset = CHARSET.exec(contentType)?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) throw new HttpError(415, `${expected}, got charset ${charset}`);
}

/**
 * Parses a JSON body: 415 unless it is declared as JSON, 400 with the parser's complaint when it
 * is not JSON. Lone surrogates (`"\ud800"`) in strings become U+FFFD: no downstream API can store them.
 */
export function parseJsonBody(event: HttpEvent): unknown {
  checkContentType(event.headers['content-type']);
  if (!event.rawBody.trim()) throw new HttpError(400, 'Request body is empty; a JSON body is required');
  try {
    return JSON.parse(event.rawBody, (_key, value: unknown) =>
      typeof value === 'string' ? wellFormed(value) : value,
    ) as unknown;
  } catch (error) {
    throw new HttpError(400, `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

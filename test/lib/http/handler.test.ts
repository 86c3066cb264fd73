import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { HttpError, RetryableError } from '../../../lib/errors.js';
import { httpHandler } from '../../../lib/http/handler.js';
import { parseJsonBody } from '../../../lib/http/middleware.js';
import { jsonResponse, type HttpEvent } from '../../../lib/http/types.js';

function event(body: string, overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /things',
    rawPath: '/things',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      requestId: 'req-1',
      http: { method: 'POST', path: '/things', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
    } as APIGatewayProxyEventV2['requestContext'],
    body,
    isBase64Encoded: false,
    ...overrides,
  };
}

const context = {} as Context;
const Thing = z.object({ name: z.string(), count: z.number().int() });

const handler = httpHandler(async (request: HttpEvent) => {
  const thing = Thing.parse(parseJsonBody(request));
  if (thing.name === 'teapot') throw new HttpError(418, 'I am a teapot');
  if (thing.name === 'busy') throw new RetryableError('queue unavailable');
  if (thing.name === 'bug') throw new Error('secret internal detail');
  return jsonResponse(202, { accepted: thing.name, raw: request.rawBody.length });
});

async function call(body: string, overrides: Partial<APIGatewayProxyEventV2> = {}) {
  const result = await handler(event(body, overrides) as HttpEvent, context);
  return { ...result, json: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
}

describe('httpHandler', () => {
  it('answers with the request id header', async () => {
    const result = await call('{"name":"a","count":1}');

    expect(result.statusCode).toBe(202);
    expect(result.headers?.['x-request-id']).toBe('req-1');
  });

  it('decodes a base64 body to the exact text that was sent', async () => {
    const text = '{"name":"é","count":1}';

    const result = await call(Buffer.from(text).toString('base64'), { isBase64Encoded: true });

    expect(result.json).toEqual({ accepted: 'é', raw: text.length });
  });

  it('answers 400 naming each invalid field', async () => {
    const result = await call('{"name":1}');

    expect(result.statusCode).toBe(400);
    expect(result.json.error).toMatch(/^Invalid request: name: .*; count: /);
    expect(result.headers?.['x-request-id']).toBe('req-1');
  });

  it('answers 400 for a body that is not JSON and 415 for another content type', async () => {
    expect((await call('{oops')).statusCode).toBe(400);
    expect((await call('a=b', { headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode).toBe(
      415,
    );
  });

  it.each([
    ['text/plain', /got text\/plain$/],
    ['application/jsonp', /got application\/jsonp$/],
    ['text/json', /got text\/json$/],
    ['application/x-json-stream', /got application\/x-json-stream$/],
    ['application/vnd.api+json', /got application\/vnd\.api\+json$/],
    ['application/json; charset=iso-8859-1', /got charset iso-8859-1$/],
  ])('answers 415 saying what is expected for the content type %s', async (contentType, detail) => {
    const result = await call('{"name":"a","count":1}', { headers: { 'content-type': contentType } });

    expect(result.statusCode).toBe(415);
    expect(result.json.error).toMatch(/^Content-Type must be application\/json \(optionally with charset=utf-8\)/);
    expect(result.json.error).toMatch(detail);
  });

  it('answers 415 when no content type is given', async () => {
    expect((await call('{"name":"a","count":1}', { headers: {} })).statusCode).toBe(415);
  });

  it.each([
    'application/json',
    'Application/JSON',
    'application/json; charset=utf-8',
    'application/json;charset="UTF-8"',
  ])('accepts %s', async (contentType) => {
    expect((await call('{"name":"a","count":1}', { headers: { 'content-type': contentType } })).statusCode).toBe(202);
  });

  it('replaces lone surrogates in strings with U+FFFD and keeps surrogate pairs', async () => {
    const result = await call('{"name":"a\\ud800b\\udc00 \\ud83d\\ude00","count":1}');

    expect(result.statusCode).toBe(202);
    expect(result.json.accepted).toBe('a\uFFFDb\uFFFD 😀');
  });

  it('keeps the status of an HttpError', async () => {
    const result = await call('{"name":"teapot","count":1}');

    expect(result.statusCode).toBe(418);
    expect(result.json.error).toBe('I am a teapot');
  });

  it('answers 503 with Retry-After when the hub cannot accept now', async () => {
    const result = await call('{"name":"busy","count":1}');

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('5');
  });

  it('answers 500 without leaking the internal message', async () => {
    const result = await call('{"name":"bug","count":1}');

    expect(result.statusCode).toBe(500);
    expect(JSON.stringify(result.json)).not.toContain('secret internal detail');
  });
});

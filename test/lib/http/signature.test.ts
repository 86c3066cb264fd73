import { createHmac } from 'node:crypto';
import { HttpError } from '../../../lib/errors.js';
import { hmacSignature, signedPartsOf, verifySignedRequest } from '../../../lib/http/signature.js';
import type { HttpEvent } from '../../../lib/http/types.js';

const scheme = { signatureHeader: 'X-Signature', timestampHeader: 'X-Timestamp', maxAgeSeconds: 300 };
const secret = 'shh';
const now = Date.parse('2026-01-01T12:00:00Z');

function signed(body: string, timestamp = '2026-01-01T11:59:00Z') {
  return {
    body,
    timestamp,
    signature: createHmac('sha256', secret)
      .update(timestamp + body)
      .digest('base64'),
  };
}

function statusOf(run: () => void): number | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof HttpError ? error.statusCode : -1;
  }
}

describe('verifySignedRequest', () => {
  it('accepts a fresh request whose signature matches the exact body', () => {
    expect(() => verifySignedRequest(signed('{"a":1}'), secret, scheme, now)).not.toThrow();
    expect(hmacSignature(secret, 'ts', 'b')).toBe(createHmac('sha256', secret).update('tsb').digest('base64'));
  });

  it('refuses a tampered body, a wrong secret and a missing header with 401', () => {
    const request = signed('{"a":1}');
    expect(statusOf(() => verifySignedRequest({ ...request, body: '{"a":2}' }, secret, scheme, now))).toBe(401);
    expect(statusOf(() => verifySignedRequest(request, 'other', scheme, now))).toBe(401);
    expect(() => verifySignedRequest({ ...request, signature: undefined }, secret, scheme, now)).toThrow(
      'Missing X-Signature header',
    );
    expect(() => verifySignedRequest({ ...request, timestamp: undefined }, secret, scheme, now)).toThrow(
      'Missing X-Timestamp header',
    );
  });

  it('refuses a request signed outside the window as a replay, however valid its signature', () => {
    const stale = signed('{}', '2026-01-01T11:54:59Z');
    expect(() => verifySignedRequest(stale, secret, scheme, now)).toThrow(/refused as a possible replay/);
  });

  it('refuses an impossible timestamp instead of rolling it over to another day', () => {
    const rolled = Date.parse('2026-02-30T12:00:00Z');
    expect(() => verifySignedRequest(signed('{}', '2026-02-30T12:00:00Z'), secret, scheme, rolled)).toThrow(
      'X-Timestamp is not a timestamp: 2026-02-30T12:00:00Z',
    );
  });

  it('accepts epoch-second timestamps too', () => {
    expect(() => verifySignedRequest(signed('{}', String(now / 1000 - 10)), secret, scheme, now)).not.toThrow();
  });
});

describe('signedPartsOf', () => {
  it("reads the scheme's headers in payload 2.0's lower case, with the raw body", () => {
    const event = {
      rawBody: '{"a":1}',
      headers: { 'x-zendesk-webhook-signature': 'sig', 'x-zendesk-webhook-signature-timestamp': 'ts' },
    } as unknown as HttpEvent;
    const scheme = {
      signatureHeader: 'X-Zendesk-Webhook-Signature',
      timestampHeader: 'X-Zendesk-Webhook-Signature-Timestamp',
      maxAgeSeconds: 300,
    };

    expect(signedPartsOf(event, scheme)).toEqual({ body: '{"a":1}', signature: 'sig', timestamp: 'ts' });
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseDateTime } from '../date-time.js';
import { HttpError } from '../errors.js';
import type { HttpEvent } from './types.js';

export interface SignedRequest {
  /** The exact body text that was signed. */
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
}

export interface SignatureScheme {
  /** Header names, for messages that tell the sender what is missing. */
  signatureHeader: string;
  timestampHeader: string;
  /** Requests signed longer ago than this (or as far in the future) are refused as replays. */
  maxAgeSeconds: number;
}

/** The signed parts of a request: its raw body and the scheme's two headers (lower-case in payload 2.0). */
export function signedPartsOf(event: HttpEvent, scheme: SignatureScheme): SignedRequest {
  return {
    body: event.rawBody,
    signature: event.headers[scheme.signatureHeader.toLowerCase()],
    timestamp: event.headers[scheme.timestampHeader.toLowerCase()],
  };
}

/** base64(HMAC-SHA256(secret, timestamp + body)): the scheme of Zendesk webhooks and of the hub's own. */
export function hmacSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret)
    .update(timestamp + body)
    .digest('base64');
}

/**
 * Checks an HMAC-signed request and its replay window; answers 401 with what is wrong (never
 * with the expected signature). `timestamp` is ISO 8601 or epoch seconds.
 */
export function verifySignedRequest(
  request: SignedRequest,
  secret: string,
  scheme: SignatureScheme,
  now = Date.now(),
): void {
  if (!request.signature) throw new HttpError(401, `Missing ${scheme.signatureHeader} header`);
  if (!request.timestamp) throw new HttpError(401, `Missing ${scheme.timestampHeader} header`);
  const signedAt = /^\d+$/.test(request.timestamp) ? Number(request.timestamp) * 1000 : isoMillis(request.timestamp);
  if (Number.isNaN(signedAt))
    throw new HttpError(401, `${scheme.timestampHeader} is not a timestamp: ${request.timestamp}`);
  if (Math.abs(now - signedAt) > scheme.maxAgeSeconds * 1000) {
    throw new HttpError(
      401,
      `Request signed at ${request.timestamp} is outside the ${scheme.maxAgeSeconds / 60}-minute window; ` +
        'refused as a possible replay',
    );
  }
  const expected = Buffer.from(hmacSignature(secret, request.timestamp, request.body));
  const given = Buffer.from(request.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new HttpError(401, 'Signature does not match the body');
}

/** Epoch ms of an ISO 8601 timestamp, NaN for an impossible one (never rolled over to another day). */
function isoMillis(timestamp: string): number {
  const parsed = parseDateTime(timestamp);
  return 'ms' in parsed ? parsed.ms : NaN;
}

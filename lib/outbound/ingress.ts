import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from '../zod-mini.js';
import { HttpError } from '../errors.js';
import { parseOutboundMessage } from './envelope.js';
import type { OutboundIntents } from './intents.js';
import { mapNotifications, type Skipped } from './map.js';
import type { OutboundMapping } from './mapping.js';

/** An org id as Setup shows it (15 characters) or as the API returns it (18). */
export const OrganizationId = z
  .string()
  .check(
    z.regex(/^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/, 'must be a Salesforce organization id (00D…, 15 or 18 chars)'),
  );

export interface OutboundIngressSettings {
  /** The secret path segment of `POST /webhooks/salesforce/{token}`. */
  token: string;
  organizationId: string;
  mapping: OutboundMapping;
}

/**
 * Compares the path token in constant time: both sides are hashed first, so neither the length
 * nor a prefix of the secret leaks through timing. The token is never logged.
 */
function checkToken(given: string | undefined, expected: string): void {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  if (!given || !timingSafeEqual(digest(given), digest(expected)))
    throw new HttpError(403, 'The token in the URL is not this hub’s Salesforce outbound token');
}

/**
 * Org ids are case-sensitive 15-character ids; the 18-character form only adds a checksum suffix
 * (api field_types, ID).
 */
const sameOrg = (a: string, b: string): boolean => a.slice(0, 15) === b.slice(0, 15);

const TEXT_XML = /^(text\/xml|application\/soap\+xml|application\/xml)\s*(?:;|$)/i;

/**
 * The whole of the ingress but the enqueue: token, content type, envelope, org, mapping. Throws
 * an `HttpError` (4xx) for anything a redelivery of the same request cannot fix by itself.
 */
export function acceptOutboundMessage(
  request: { token: string | undefined; contentType: string | undefined; body: string },
  settings: OutboundIngressSettings,
): OutboundIntents & { notifications: number; skipped: Skipped[]; unmatched: number } {
  checkToken(request.token, settings.token);
  if (!request.contentType || !TEXT_XML.test(request.contentType))
    throw new HttpError(415, `Content-Type must be text/xml, got ${request.contentType ?? 'none'}`);
  const message = parseOutboundMessage(request.body);
  if (!sameOrg(message.organizationId, settings.organizationId))
    throw new HttpError(403, `OrganizationId ${message.organizationId} is not the org this hub serves`);
  const mapped = mapNotifications(message.notifications, settings.mapping);
  return { ...mapped, notifications: message.notifications.length };
}

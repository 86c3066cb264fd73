import { isIP } from 'node:net';
import * as z from '../zod-mini.js';
import { eventTime } from '../date-time.js';
import { isPlaceholderId, truncate } from '../fields.js';

/** Terms_Acceptance__c.IP_Address__c is Text(45): the longest IPv6 text (with an IPv4 tail) fits. */
const IP_LENGTH = 45;
/** Terms_Acceptance__c.User_Agent__c is Text(255). */
const USER_AGENT_LENGTH = 255;

/**
 * IPv4 or IPv6, stored in a canonical form (lower-case IPv6) so the evidence hash is stable. A zone
 * id (`fe80::1%eth0`) names an interface of the sender's own host: it means nothing as evidence.
 */
const ipAddress = z.pipe(
  z.string().check(
    z.trim(),
    z.refine((value) => !value.includes('%'), {
      message: 'must be an IP address without a zone id (%…): it means nothing off the host',
      abort: true,
    }),
    z.refine((value) => isIP(value) !== 0 && value.length <= IP_LENGTH, 'must be an IPv4 or IPv6 address'),
  ),
  z.transform((value: string) => value.toLowerCase()),
);

/** One acceptance of the terms of service, as the app reports it. */
export const TermsAcceptance = z.object({
  acceptance_id: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be 1–80 characters of letters, digits, _ . : -')),
  user_id: z.string().check(
    z.minLength(1),
    z.maxLength(80),
    z.refine(
      (value) => !isPlaceholderId(value),
      'is a placeholder, not a user id (Mixpanel refuses it as a distinct_id)',
    ),
  ),
  email: z.pipe(
    z.email().check(z.maxLength(80)),
    z.transform((value: string) => value.toLowerCase()),
  ),
  account_id: z.string().check(z.minLength(1), z.maxLength(80)),
  terms_version: z
    .string()
    .check(z.regex(/^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$/, 'must be a version such as 2025-01, v3 or 3.1.0')),
  accepted_at: eventTime,
  ip: ipAddress,
  user_agent: z.pipe(
    z.string().check(z.minLength(1)),
    z.transform((value: string) => truncate(value, USER_AGENT_LENGTH)),
  ),
  terms_url: z.optional(z.url().check(z.maxLength(255))),
  terms_sha256: z.optional(
    z.pipe(
      z.string().check(z.regex(/^[a-f0-9]{64}$/i, 'must be the 64-hex SHA-256 of the text shown')),
      z.transform((value: string) => value.toLowerCase()),
    ),
  ),
});
export type TermsAcceptance = z.output<typeof TermsAcceptance>;

const MAX_BATCH = 500;

/** An acceptance and where it was in the body, for messages that name it (`acceptances.3.ip`). */
export interface Located {
  acceptance: TermsAcceptance;
  path: Array<string | number>;
}

/**
 * The body of `POST /webhooks/terms`: one acceptance, a list, or `{ "acceptances": [...] }`, at
 * most 500. The shape is chosen first, so a bad field is reported by its own path, not as a
 * union mismatch.
 */
export function parseAcceptances(body: unknown): Located[] {
  if (Array.isArray(body))
    return z
      .array(TermsAcceptance)
      .check(z.minLength(1), z.maxLength(MAX_BATCH))
      .parse(body)
      .map((acceptance, index) => ({ acceptance, path: [index] }));
  if (body && typeof body === 'object' && 'acceptances' in body) {
    return z
      .object({ acceptances: z.array(TermsAcceptance).check(z.minLength(1), z.maxLength(MAX_BATCH)) })
      .parse(body)
      .acceptances.map((acceptance, index) => ({ acceptance, path: ['acceptances', index] }));
  }
  return [{ acceptance: TermsAcceptance.parse(body), path: [] }];
}

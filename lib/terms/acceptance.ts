import { isIP } from 'node:net';
import { z } from 'zod';

const isoInstant = z
  .string()
  .refine(
    (value) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
      !Number.isNaN(Date.parse(value)),
    'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T09:15:00Z',
  )
  .transform((value) => new Date(value).toISOString());

/** IPv4 or IPv6, stored in a canonical form (lower-case IPv6) so the evidence hash is stable. */
const ipAddress = z
  .string()
  .trim()
  .refine((value) => isIP(value) !== 0, 'must be an IPv4 or IPv6 address')
  .transform((value) => value.toLowerCase());

/** One acceptance of the terms of service, as the app reports it. */
export const TermsAcceptance = z.object({
  acceptance_id: z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be 1–80 characters of letters, digits, _ . : -'),
  user_id: z.string().min(1).max(80),
  email: z
    .email()
    .max(80)
    .transform((value) => value.toLowerCase()),
  account_id: z.string().min(1).max(80),
  terms_version: z
    .string()
    .regex(/^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$/, 'must be a version such as 2025-01, v3 or 3.1.0'),
  accepted_at: isoInstant,
  ip: ipAddress,
  user_agent: z.string().min(1).max(255),
  terms_url: z.url().max(255).optional(),
  terms_sha256: z
    .string()
    .regex(/^[a-f0-9]{64}$/i, 'must be the 64-hex SHA-256 of the text shown')
    .transform((value) => value.toLowerCase())
    .optional(),
});
export type TermsAcceptance = z.output<typeof TermsAcceptance>;

const MAX_BATCH = 500;

/**
 * The body of `POST /webhooks/terms`: one acceptance, a list, or `{ "acceptances": [...] }`, at
 * most 500. The shape is chosen first, so a bad field is reported by its own path, not as a
 * union mismatch.
 */
export function parseAcceptances(body: unknown): TermsAcceptance[] {
  if (Array.isArray(body)) return z.array(TermsAcceptance).min(1).max(MAX_BATCH).parse(body);
  if (body && typeof body === 'object' && 'acceptances' in body) {
    return z.object({ acceptances: z.array(TermsAcceptance).min(1).max(MAX_BATCH) }).parse(body).acceptances;
  }
  return [TermsAcceptance.parse(body)];
}

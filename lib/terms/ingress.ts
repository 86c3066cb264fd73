import { HttpError } from '../errors.js';
import { parseAcceptances, type TermsAcceptance } from './acceptance.js';

// Clocks drift; an acceptance from further ahead than this is not evidence of anything.
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The signature scheme of `POST /webhooks/terms` (README "Terms of service acceptances"). */
export const TERMS_SIGNATURE = {
  signatureHeader: 'X-Switchboard-Signature',
  timestampHeader: 'X-Switchboard-Timestamp',
  maxAgeSeconds: 300,
};

/** Validates a terms webhook body into acceptances; a bad field is a 400 naming it (with its index in a batch). */
export function parseTermsWebhook(body: unknown, now = Date.now()): TermsAcceptance[] {
  const acceptances = parseAcceptances(body);
  acceptances.forEach((acceptance, index) => {
    if (Date.parse(acceptance.accepted_at) > now + MAX_CLOCK_SKEW_MS) {
      const where = acceptances.length > 1 ? `${index}.accepted_at` : 'accepted_at';
      throw new HttpError(400, `Invalid request: ${where}: ${acceptance.accepted_at} is in the future`);
    }
  });
  return acceptances;
}

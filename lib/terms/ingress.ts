import { $ZodRealError } from 'zod/v4/core';
import type * as z from '../zod-mini.js';
import { refuseLaterThan } from '../date-time.js';
import { parseAcceptances, type Located, type TermsAcceptance } from './acceptance.js';
import { evidenceHash, evidenceOf } from './evidence-hash.js';

// Clocks drift; an acceptance from further ahead than this is not evidence of anything.
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The signature scheme of `POST /webhooks/terms` (README "Terms of service acceptances"). */
export const TERMS_SIGNATURE = {
  signatureHeader: 'X-Switchboard-Signature',
  timestampHeader: 'X-Switchboard-Timestamp',
  maxAgeSeconds: 300,
};

/**
 * Validates a terms webhook body into acceptances; a bad field is a 400 naming it (with its index
 * in a batch). An acceptance sent twice in one batch is kept once; one id with two different
 * pieces of evidence is refused, naming both places.
 */
export function parseTermsWebhook(body: unknown, now = Date.now()): TermsAcceptance[] {
  const located = parseAcceptances(body);
  refuseLaterThan(
    located.map(({ acceptance, path }) => ({ path: [...path, 'accepted_at'], value: acceptance.accepted_at })),
    now + MAX_CLOCK_SKEW_MS,
    '5 minutes',
  );
  return withoutRepeats(located);
}

/** `index 3` in a list, `acceptances.3` in `{acceptances}`. */
const place = (path: ReadonlyArray<string | number>): string =>
  path.length === 1 ? `index ${String(path[0])}` : path.join('.');

function withoutRepeats(located: readonly Located[]): TermsAcceptance[] {
  const first = new Map<string, { hash: string; path: Array<string | number> }>();
  const kept: TermsAcceptance[] = [];
  const issues: z.core.$ZodIssue[] = [];
  for (const { acceptance, path } of located) {
    const id = acceptance.acceptance_id;
    const hash = evidenceHash(evidenceOf(acceptance));
    const seen = first.get(id);
    if (!seen) {
      first.set(id, { hash, path });
      kept.push(acceptance);
    } else if (seen.hash !== hash) {
      issues.push({
        code: 'custom',
        path: [...path, 'acceptance_id'],
        message: `${id} is also at ${place(seen.path)} with different evidence; one acceptance has one record`,
        input: id,
      });
    }
  }
  if (issues.length > 0) throw new $ZodRealError(issues);
  return kept;
}

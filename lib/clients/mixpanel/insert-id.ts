import { createHash } from 'node:crypto';

/**
 * A deterministic `$insert_id` from a source's natural key: 32 hex characters, inside Mixpanel's
 * 36-character `[A-Za-z0-9-]` rule, so a replayed message re-sends the same id and Mixpanel
 * keeps one event.
 */
export function insertId(...keyParts: ReadonlyArray<string | number | null>): string {
  return createHash('sha256')
    .update(keyParts.map((part) => String(part ?? '')).join('\u001f'))
    .digest('hex')
    .slice(0, 32);
}

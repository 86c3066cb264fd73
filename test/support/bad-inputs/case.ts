import type { TermsAcceptance } from '../../../lib/terms/acceptance.js';
import type { TicketChange } from '../../../lib/tickets/ticket-change.js';

/** How a request departs from a correctly signed `application/json` POST. */
export interface RequestTweak {
  /** `null`: no Content-Type header at all. */
  contentType?: string | null;
  signature?: 'missing' | 'wrong' | 'stale' | 'no-timestamp' | 'impossible-timestamp';
}

interface BaseCase {
  name: string;
  /** JSON-encoded before it is signed and sent... */
  body?: unknown;
  /** ...unless the exact text is given. */
  raw?: string;
  request?: RequestTweak;
  status: number;
  /** What the error must name so a person can act on it: the field (with its index in a batch), or the header. */
  names?: string;
}

/** A case for `POST /webhooks/zendesk`. An accepted one enqueues one change, read and compared with `expected`. */
export interface ZendeskCase extends BaseCase {
  enqueued?: { queue: 'salesforce' | 'zendesk'; read: (change: TicketChange) => unknown; expected: unknown };
  /** Acknowledged (202) and ignored: nothing is enqueued. */
  ignored?: true;
}

/** A case for `POST /webhooks/terms`. An accepted one enqueues `count` acceptances, read and compared. */
export interface TermsCase extends BaseCase {
  enqueued?: { count: number; read: (acceptances: TermsAcceptance[]) => unknown; expected: unknown };
}

/** Text of `length` characters. */
export const long = (length: number, char = 'x'): string => char.repeat(length);

/** An ISO time `hours` from now (negative: ago), to the minute as Zendesk placeholders render it. */
export const hoursFromNow = (hours: number): string =>
  new Date(Date.now() + hours * 3_600_000).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');

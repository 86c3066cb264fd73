import { TRUNCATION_MARKER } from '../../../lib/fields.js';
import { acceptanceBody as acceptance } from '../terms.js';
import { long, type TermsCase } from './case.js';

const list = (size: number) => Array.from({ length: size }, (_, i) => acceptance(i + 1));
const refused = (name: string, body: unknown, names: string): TermsCase => ({ name, body, status: 400, names });
const inAHour = new Date(Date.now() + 3_600_000).toISOString();
const ids = (acceptances: Array<{ acceptance_id: string }>) => acceptances.map((one) => one.acceptance_id);

/** Bodies `POST /webhooks/terms` must refuse or normalise: one acceptance, a list, or `{acceptances}`. */
export const TERMS_CASES: TermsCase[] = [
  // The classics.
  { name: 'malformed JSON', raw: '{"acceptance_id": ', status: 400, names: 'not valid JSON' },
  { name: 'empty body', raw: '', status: 400, names: 'body is empty' },
  refused('a JSON string', 'acc-1', '(body)'),
  refused('JSON null', null, '(body)'),
  refused('an empty list', [], '(body)'),
  refused('an empty acceptances list', { acceptances: [] }, 'acceptances'),
  refused('acceptances that are an object', { acceptances: acceptance(1) }, 'acceptances'),
  refused('a list of 501', list(501), '(body)'),
  refused('acceptances of 501', { acceptances: list(501) }, 'acceptances'),
  refused('a list of lists', [[acceptance(1)]], '0'),
  {
    name: 'no signature',
    body: acceptance(1),
    request: { signature: 'missing' },
    status: 401,
    names: 'X-Switchboard-Signature',
  },
  {
    name: 'a wrong signature',
    body: acceptance(1),
    request: { signature: 'wrong' },
    status: 401,
    names: 'Signature does not match',
  },
  { name: 'a stale timestamp', body: acceptance(1), request: { signature: 'stale' }, status: 401, names: 'replay' },
  {
    name: 'no timestamp',
    body: acceptance(1),
    request: { signature: 'no-timestamp' },
    status: 401,
    names: 'X-Switchboard-Timestamp',
  },
  {
    name: 'text/plain',
    body: acceptance(1),
    request: { contentType: 'text/plain' },
    status: 415,
    names: 'application/json',
  },
  {
    name: 'a JSON content type in another charset',
    body: acceptance(1),
    request: { contentType: 'application/json; charset=utf-16' },
    status: 415,
    names: 'charset utf-16',
  },
  // Fields: missing, wrong types, wrong values; in a batch, named with their index.
  refused('no user_id', acceptance(1, { user_id: undefined }), 'user_id'),
  refused('a numeric user_id', acceptance(1, { user_id: 42 }), 'user_id'),
  ...['null', 'undefined', 'NONE', '[]', '   ', 'nil'].map((userId) =>
    refused(`the placeholder user_id ${JSON.stringify(userId)}`, acceptance(1, { user_id: userId }), 'user_id'),
  ),
  refused('the placeholder user_id "0" in a list', [acceptance(1), acceptance(2, { user_id: '0' })], '1.user_id'),
  refused(
    'the placeholder user_id "-1" in acceptances',
    { acceptances: [acceptance(1), acceptance(2), acceptance(3, { user_id: '-1' })] },
    'acceptances.2.user_id',
  ),
  refused('30 February', acceptance(1, { accepted_at: '2026-02-30T10:00:00Z' }), 'accepted_at'),
  refused('29 February of a common year', acceptance(1, { accepted_at: '2025-02-29T10:00:00Z' }), 'accepted_at'),
  refused('minute 60', acceptance(1, { accepted_at: '2026-03-01T10:60:00Z' }), 'accepted_at'),
  refused(
    'a year-1900 acceptance in a list',
    [acceptance(1, { accepted_at: '1900-01-01T00:00:00Z' })],
    '0.accepted_at',
  ),
  refused(
    'a year-9999 acceptance in acceptances',
    { acceptances: [acceptance(1), acceptance(2, { accepted_at: '9999-12-31T00:00:00Z' })] },
    'acceptances.1.accepted_at',
  ),
  refused('an acceptance an hour ahead', acceptance(1, { accepted_at: inAHour }), 'accepted_at'),
  refused('a time without a zone', acceptance(1, { accepted_at: '2026-11-20T09:15:00' }), 'accepted_at'),
  refused('an IPv6 zone id longer than the IP field', acceptance(1, { ip: `fe80::1%eth0${long(60)}` }), 'ip'),
  refused(
    'an IPv6 zone id in acceptances',
    { acceptances: [acceptance(1), acceptance(2, { ip: 'fe80::1%eth0' })] },
    'acceptances.1.ip',
  ),
  refused('an impossible IPv4', acceptance(1, { ip: '999.1.1.1' }), 'ip'),
  refused('no IP', acceptance(1, { ip: undefined }), 'ip'),
  refused('an email that is not one', acceptance(1, { email: 'not-an-email' }), 'email'),
  refused('an acceptance id with spaces', acceptance(1, { acceptance_id: 'acc 1' }), 'acceptance_id'),
  refused('an acceptance id of 81 characters', acceptance(1, { acceptance_id: long(81) }), 'acceptance_id'),
  refused('a terms version that is a sentence', acceptance(1, { terms_version: 'the new one' }), 'terms_version'),
  refused('a short terms hash', acceptance(1, { terms_sha256: 'abc' }), 'terms_sha256'),
  refused('a terms URL that is not one', acceptance(1, { terms_url: 'terms' }), 'terms_url'),
  refused('an account id of 81 characters', acceptance(1, { account_id: long(81) }), 'account_id'),
  refused(
    'one acceptance id with two IPs in a list',
    [acceptance(1), acceptance(2), acceptance(1, { ip: '198.51.100.1' })],
    '2.acceptance_id: acc-1 is also at index 0',
  ),
  refused(
    'one acceptance id with two times in acceptances',
    { acceptances: [acceptance(1), acceptance(1, { accepted_at: '2026-11-20T09:16:00Z' })] },
    'acceptances.1.acceptance_id: acc-1 is also at acceptances.0',
  ),
  // Normalised, and accepted.
  {
    name: 'the same acceptance twice in a list',
    body: [acceptance(1), acceptance(2), acceptance(1)],
    status: 202,
    enqueued: { count: 2, read: ids, expected: ['acc-1', 'acc-2'] },
  },
  {
    name: 'the same acceptance twice in acceptances, once with another spelling of the same evidence',
    body: { acceptances: [acceptance(1), acceptance(1, { accepted_at: '2026-11-20T10:15:00+01:00' })] },
    status: 202,
    enqueued: { count: 1, read: ids, expected: ['acc-1'] },
  },
  {
    name: 'a 5,000-character user agent',
    body: acceptance(1, { user_agent: long(5000, 'M') }),
    status: 202,
    enqueued: {
      count: 1,
      read: ([one]) => [one?.user_agent.length, one?.user_agent.endsWith(TRUNCATION_MARKER)],
      expected: [255, true],
    },
  },
  {
    name: 'a user agent with a lone surrogate',
    body: acceptance(1, { user_agent: 'Mozilla/5.0 \uDC00' }),
    status: 202,
    enqueued: { count: 1, read: ([one]) => one?.user_agent, expected: 'Mozilla/5.0 \uFFFD' },
  },
  {
    name: 'a time with an offset',
    body: acceptance(1, { accepted_at: '2026-11-20T10:15:00+01:00' }),
    status: 202,
    enqueued: { count: 1, read: ([one]) => one?.accepted_at, expected: '2026-11-20T09:15:00.000Z' },
  },
];

import { TRUNCATION_MARKER } from '../../../lib/fields.js';
import { ticketEventBody as event, ticketTriggerBody as trigger } from '../ticket-bodies.js';
import { hoursFromNow, long, type ZendeskCase } from './case.js';

const manyTags = Array.from({ length: 20_000 }, (_, i) => `product_area_${i}`);
const cutSubject = (change: { subject: string | null }) => [
  change.subject?.length,
  change.subject?.endsWith(TRUNCATION_MARKER),
];
const cutTags = (change: { tags: string[] }) => [
  change.tags.join(' ').length <= 32768,
  change.tags.length > 1000,
  change.tags.at(-1),
];
const refused = (name: string, body: unknown, names: string): ZendeskCase => ({ name, body, status: 400, names });

/** Bodies `POST /webhooks/zendesk` must refuse, normalise or ignore: event-subscribed and trigger bodies. */
export const ZENDESK_CASES: ZendeskCase[] = [
  // The classics: not JSON, not an object, not a Zendesk body.
  { name: 'malformed JSON', raw: '{"ticket": {"id": "1"', status: 400, names: 'not valid JSON' },
  { name: 'empty body', raw: '', status: 400, names: 'body is empty' },
  { name: 'blank body', raw: '   \n', status: 400, names: 'body is empty' },
  refused('an array where an object is expected', [trigger()], 'Body must be a JSON object'),
  refused('a JSON string', 'ticket', 'Body must be a JSON object'),
  refused('JSON null', null, 'Body must be a JSON object'),
  refused('an object of neither kind', { hello: 'world' }, 'Unrecognised body'),
  refused('a type that is not a Zendesk event', { type: 'ticket.created' }, 'Unknown event type ticket.created'),
  { name: 'a user event', body: { type: 'zen:event-type:user.created', detail: {} }, status: 202, ignored: true },
  {
    name: 'an organization event',
    body: { type: 'zen:event-type:organization.updated', detail: { id: '1' } },
    status: 202,
    ignored: true,
  },
  // Signatures and content types.
  {
    name: 'no signature',
    body: trigger(),
    request: { signature: 'missing' },
    status: 401,
    names: 'X-Zendesk-Webhook-Signature',
  },
  {
    name: 'a wrong signature',
    body: trigger(),
    request: { signature: 'wrong' },
    status: 401,
    names: 'Signature does not match',
  },
  { name: 'a stale timestamp', body: trigger(), request: { signature: 'stale' }, status: 401, names: 'replay' },
  {
    name: 'no timestamp',
    body: trigger(),
    request: { signature: 'no-timestamp' },
    status: 401,
    names: 'X-Zendesk-Webhook-Signature-Timestamp',
  },
  {
    name: 'an impossible timestamp',
    body: trigger(),
    request: { signature: 'impossible-timestamp' },
    status: 401,
    names: 'is not a timestamp',
  },
  {
    name: 'text/plain',
    body: trigger(),
    request: { contentType: 'text/plain' },
    status: 415,
    names: 'application/json',
  },
  { name: 'no content type', body: trigger(), request: { contentType: null }, status: 415, names: 'application/json' },
  {
    name: 'a content type that merely contains json',
    body: trigger(),
    request: { contentType: 'text/x-json-ish' },
    status: 415,
    names: 'application/json',
  },
  // Event bodies: structure and types.
  refused('an event without detail', { ...event(), detail: undefined }, 'detail'),
  refused('an event without a status', event({ status: undefined }), 'detail.status'),
  refused('an event with an unknown status', event({ status: 'EXPLODED' }), 'detail.status'),
  refused(
    'an event ticket id that is an object',
    event({ id: { value: 1 } }),
    'detail.id: must be a numeric Zendesk id',
  ),
  refused('event tags that are a number', event({ tags: 42 }), 'detail.tags'),
  refused('event tags that are numbers', event({ tags: [1, 2] }), 'detail.tags: must be a list of tags'),
  refused('an event account id that is text', event({}, { account_id: 'acme' }), 'account_id'),
  refused('an event id longer than any Zendesk event id', event({}, { id: long(300) }), 'id'),
  refused('an event via that is text', event({ via: 'email' }), 'detail.via'),
  // Ids.
  refused('a ticket id of letters', trigger({ id: 'abc' }), 'ticket.id'),
  refused('ticket id 0', trigger({ id: '0' }), 'ticket.id'),
  refused('ticket id 000', trigger({ id: '000' }), 'ticket.id'),
  refused('a 300-digit ticket id', trigger({ id: long(300, '9') }), 'ticket.id'),
  refused('a ticket id beyond 64 bits', trigger({ id: '9223372036854775808' }), 'ticket.id'),
  {
    name: 'a JSON-number ticket id beyond 2^53',
    // As Zendesk would write a 64-bit id without quotes; JSON.parse keeps only 2^53 of it.
    raw: JSON.stringify(trigger({ id: 0 })).replace('"id":0', '"id":18446744073709551615'),
    status: 400,
    names:
      'ticket.id: 18446744073709552000 is a JSON number above 2^53, where digits are lost: send the id as a string',
  },
  refused('a fractional ticket id', trigger({ id: 710061.5 }), 'ticket.id'),
  refused('a negative ticket id', trigger({ id: -710061 }), 'ticket.id'),
  refused('a 300-digit event ticket id', event({ id: long(300, '7') }), 'detail.id'),
  refused('an event requester id of letters', event({ requester_id: 'ann' }), 'detail.requester_id'),
  refused('a trigger requester id of letters', trigger({}, { id: 'ann' }), 'requester.id'),
  // Trigger bodies: structure, enumerations and text fields.
  refused('a trigger without a status', trigger({ status: undefined }), 'ticket.status'),
  refused('a trigger with an unknown status', trigger({ status: 'Exploded' }), 'ticket.status'),
  refused('a priority Zendesk does not have', trigger({ priority: 'Critical' }), 'ticket.priority'),
  refused('a ticket type Zendesk does not have', trigger({ type: 'Bug' }), 'ticket.type'),
  refused('a trigger without requester', { ticket: trigger().ticket }, 'requester'),
  refused('a ticket that is a list', { ...trigger(), ticket: [trigger().ticket] }, 'ticket'),
  refused('a subject that is an object', trigger({ subject: { text: 'hi' } }), 'ticket.subject: must be text'),
  refused(
    'a requester external id too long for Salesforce',
    trigger({}, { external_id: long(256) }),
    'requester.external_id',
  ),
  refused('an email longer than SMTP allows', trigger({}, { email: `${long(300)}@example.com` }), 'requester.email'),
  refused(
    'an organization external id too long',
    trigger({}, {}, { external_id: long(256) }),
    'organization.external_id',
  ),
  refused('a channel name longer than Case.Origin', event({ via: { channel: long(41) } }), 'detail.via.channel'),
  // Dates: the calendar, and what Mixpanel accepts as an event time.
  refused('30 February', trigger({ created_at: '2026-02-30T10:00Z' }), 'ticket.created_at'),
  refused('29 February of a common year', trigger({ updated_at: '2023-02-29T10:00Z' }), 'ticket.updated_at'),
  refused('hour 24', event({ updated_at: '2026-01-01T24:00:00Z' }), 'detail.updated_at'),
  refused('month 13', event({ created_at: '2026-13-01T00:00:00Z' }), 'detail.created_at'),
  refused('a year-1900 ticket', trigger({ created_at: '1900-01-01T00:00Z' }), 'ticket.created_at'),
  refused('a year-9999 ticket', trigger({ updated_at: '9999-12-31T23:59Z' }), 'ticket.updated_at'),
  refused('an update two hours ahead', trigger({ updated_at: hoursFromNow(2) }), 'ticket.updated_at'),
  refused('an event update two hours ahead', event({ updated_at: hoursFromNow(2) }), 'detail.updated_at'),
  refused('a date without a time zone', trigger({ created_at: '2026-11-20T09:30' }), 'ticket.created_at'),
  refused('a date with a space for T', trigger({ created_at: '2026-11-20 09:30Z' }), 'ticket.created_at'),
  refused('an impossible event time', event({}, { time: '2026-02-30T10:00:00Z' }), 'time'),
  // Normalised, and accepted.
  {
    name: 'a 100,000-character trigger subject',
    body: trigger({ subject: long(100_000) }),
    status: 202,
    enqueued: { queue: 'salesforce', read: cutSubject, expected: [255, true] },
  },
  {
    name: 'a 100,000-character event subject',
    body: event({ subject: long(100_000) }),
    status: 202,
    enqueued: { queue: 'zendesk', read: cutSubject, expected: [255, true] },
  },
  {
    name: '20,000 trigger tags',
    body: trigger({ tags: manyTags.join(' ') }),
    status: 202,
    enqueued: { queue: 'salesforce', read: cutTags, expected: [true, true, TRUNCATION_MARKER] },
  },
  {
    name: '20,000 event tags',
    body: event({ tags: manyTags }),
    status: 202,
    enqueued: { queue: 'zendesk', read: cutTags, expected: [true, true, TRUNCATION_MARKER] },
  },
  ...[
    ['a trigger id with leading zeros', trigger({ id: '000710061' })],
    ['a trigger id as a JSON number', trigger({ id: 710061 })],
    ['an event id with leading zeros', event({ id: '0000710061' })],
  ].map(([name, body]): ZendeskCase => ({
    name: name as string,
    body,
    status: 202,
    enqueued: {
      queue: name === 'an event id with leading zeros' ? 'zendesk' : 'salesforce',
      read: (change) => change.ticketId,
      expected: '710061',
    },
  })),
  ...['null', 'undefined', '0', '-1', 'anon', 'None', '{}'].map((placeholder): ZendeskCase => ({
    name: `the placeholder external_id ${JSON.stringify(placeholder)}`,
    body: trigger({}, { external_id: placeholder }),
    status: 202,
    enqueued: {
      queue: 'salesforce',
      read: (change) => change.requester,
      expected: { zendeskId: '9001', email: 'ann@example.com', externalId: null },
    },
  })),
  {
    name: 'a placeholder external_id and no email: the Zendesk look-up',
    body: trigger({}, { external_id: 'NULL', email: '' }),
    status: 202,
    enqueued: {
      queue: 'zendesk',
      read: (change) => change.requester,
      expected: { zendeskId: '9001', email: null, externalId: null },
    },
  },
  {
    name: 'a placeholder email',
    body: trigger({}, { email: 'undefined' }),
    status: 202,
    enqueued: { queue: 'salesforce', read: (change) => change.requester.email, expected: null },
  },
  {
    name: 'the web form as a trigger renders it',
    body: trigger({ via: 'Web form' }),
    status: 202,
    enqueued: { queue: 'salesforce', read: (change) => change.channel, expected: 'web' },
  },
  {
    name: 'the web form as an event names it',
    body: event({ via: { channel: 'web_form' } }),
    status: 202,
    enqueued: { queue: 'zendesk', read: (change) => change.channel, expected: 'web' },
  },
  {
    name: 'a subject with emoji and U+FFFF',
    body: trigger({ subject: 'Export 😀 fails \uFFFF' }),
    status: 202,
    enqueued: { queue: 'salesforce', read: (change) => change.subject, expected: 'Export 😀 fails \uFFFF' },
  },
  {
    name: 'a subject with a lone surrogate',
    body: trigger({ subject: 'Export \uD800 fails' }),
    status: 202,
    enqueued: { queue: 'salesforce', read: (change) => change.subject, expected: 'Export \uFFFD fails' },
  },
  {
    name: 'a comment event: a Case refresh without timeline events',
    body: event({}, { type: 'zen:event-type:ticket.comment_added' }),
    status: 202,
    enqueued: { queue: 'zendesk', read: (change) => change.events, expected: [] },
  },
];

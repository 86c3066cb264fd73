import { $ZodError } from 'zod/v4/core';
import { TRUNCATION_MARKER } from '../../../lib/fields.js';
import { toCaseFields, DEFAULT_CASE_MAPPING } from '../../../lib/tickets/case-mapping.js';
import { parseZendeskWebhook } from '../../../lib/tickets/ingress.js';
import { needsRequesterLookup } from '../../../lib/tickets/intents.js';
import type { TicketChange } from '../../../lib/tickets/ticket-change.js';
import { ticketEventBody, ticketTriggerBody } from '../../support/ticket-bodies.js';

function change(body: unknown): TicketChange {
  const parsed = parseZendeskWebhook(body, undefined);
  if ('ignored' in parsed) throw new Error(`ignored: ${parsed.ignored}`);
  return parsed.change;
}

/** `field: message` of each issue, or [] when the body is accepted. */
function issues(body: unknown): string[] {
  try {
    parseZendeskWebhook(body, undefined);
    return [];
  } catch (error) {
    if (error instanceof $ZodError) return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw error;
  }
}

describe('ticket ingress: ids', () => {
  it('canonicalises ticket and requester ids, so one ticket is one Case however its id is written', () => {
    expect(change(ticketTriggerBody({ id: '000710061' })).ticketId).toBe('710061');
    expect(change(ticketTriggerBody({ id: 710061 })).ticketId).toBe('710061');
    expect(change(ticketEventBody({ id: '0710061', requester_id: '009001' }))).toMatchObject({
      ticketId: '710061',
      requester: { zendeskId: '9001' },
    });
  });

  it('refuses 0, a JSON number that lost digits, and ids beyond 64 bits', () => {
    expect(issues(ticketTriggerBody({ id: '0' }))).toEqual(['ticket.id: 0 is not a Zendesk id']);
    const unquoted = JSON.stringify(ticketTriggerBody({ id: 0 })).replace('"id":0', '"id":12345678901234567890');
    expect(issues(JSON.parse(unquoted))[0]).toMatch(
      /^ticket\.id: .* above 2\^53, where digits are lost: send the id as a string$/,
    );
    expect(issues(ticketTriggerBody({ id: '9'.repeat(300) }))[0]).toMatch(
      /^ticket\.id: must be at most 9223372036854775807/,
    );
    expect(issues(ticketTriggerBody({ id: '9223372036854775808' }))[0]).toMatch(/^ticket\.id: must be at most/);
    expect(issues(ticketTriggerBody({ id: 7.5 }))).toEqual(['ticket.id: must be a whole number']);
    expect(issues(ticketEventBody({ requester_id: '12a' }))).toEqual([
      'detail.requester_id: must be a numeric Zendesk id',
    ]);
  });
});

describe('ticket ingress: dates', () => {
  const now = Date.now();

  it('refuses impossible dates instead of rolling them over', () => {
    expect(issues(ticketTriggerBody({ created_at: '2026-02-30T10:00Z' }))).toEqual([
      'ticket.created_at: 2026-02-30T10:00Z: day 30 does not exist in 2026-02 (it has 28 days)',
    ]);
    expect(issues(ticketEventBody({ updated_at: '2026-01-01T24:00:00Z' }))[0]).toMatch(
      /^detail\.updated_at: .*hour 24/,
    );
  });

  it('refuses event times Mixpanel refuses: before 1971 or more than an hour ahead', () => {
    expect(issues(ticketTriggerBody({ created_at: '1900-01-01T00:00Z' }))[0]).toMatch(
      /^ticket\.created_at: .* is before 1971-01-01/,
    );
    expect(issues(ticketEventBody({ updated_at: '9999-12-31T23:59:59Z' }))).toEqual([
      'detail.updated_at: 9999-12-31T23:59:59.000Z is more than an hour in the future',
    ]);
    const soon = new Date(now + 2 * 3_600_000).toISOString();
    expect(issues(ticketTriggerBody({ updated_at: soon }))[0]).toMatch(/^ticket\.updated_at: .* in the future$/);
    expect(issues(ticketTriggerBody({ updated_at: new Date(now + 30 * 60_000).toISOString() }))).toEqual([]);
  });
});

describe('ticket ingress: free text', () => {
  it('cuts a long subject to Case.Subject with a visible marker', () => {
    const subject = change(ticketTriggerBody({ subject: 'x'.repeat(100_000) })).subject;

    expect(subject).toHaveLength(255);
    expect(subject?.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('keeps as many whole tags as fit Zendesk_Tags__c, ending with the marker', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `tag_${i}`);

    const fromEvent = change(ticketEventBody({ tags: many })).tags;
    const fromTrigger = change(ticketTriggerBody({ tags: many.join(' ') })).tags;

    expect(fromEvent.join(' ').length).toBeLessThanOrEqual(32768);
    expect(fromEvent.at(-1)).toBe(TRUNCATION_MARKER);
    expect(fromEvent.slice(0, 3)).toEqual(['tag_0', 'tag_1', 'tag_2']);
    expect(fromTrigger).toEqual(fromEvent);
  });
});

describe('ticket ingress: requester', () => {
  it.each(['null', 'undefined', '0', '-1', 'NONE', 'anon', 'nil', '[]', '{}', '  '])(
    'treats the placeholder external_id %j as absent, so the email is used',
    (placeholder) => {
      const result = change(ticketTriggerBody({}, { external_id: placeholder }));

      expect(result.requester).toEqual({ zendeskId: '9001', email: 'ann@example.com', externalId: null });
    },
  );

  it('looks a requester up when the external id is a placeholder and the email is missing', () => {
    const result = change(ticketTriggerBody({}, { external_id: 'null', email: '' }));

    expect(needsRequesterLookup(result)).toBe(true);
  });

  it('refuses ids too long for Salesforce', () => {
    expect(issues(ticketTriggerBody({}, { external_id: 'u'.repeat(256) }))).toEqual([
      'requester.external_id: must be at most 255 characters',
    ]);
    expect(issues(ticketTriggerBody({}, {}, { external_id: 'a'.repeat(256) }))).toEqual([
      'organization.external_id: must be at most 255 characters',
    ]);
  });
});

describe('ticket ingress: channel and enumerations', () => {
  it('reads the web form from either spelling as one channel with Case Origin Web', () => {
    const fromEvent = change(ticketEventBody({ via: { channel: 'web_form' } }));
    const fromTrigger = change(ticketTriggerBody({ via: 'Web form' }));

    expect(fromEvent.channel).toBe('web');
    expect(fromTrigger.channel).toBe('web');
    expect(toCaseFields(fromEvent, DEFAULT_CASE_MAPPING).Origin).toBe('Web');
    expect(toCaseFields({ ...fromEvent, channel: 'web_form' }, DEFAULT_CASE_MAPPING).Origin).toBe('Web');
  });

  it('reads priority and type from either spelling and refuses values Zendesk does not have', () => {
    expect(change(ticketEventBody({ priority: 'URGENT', type: 'INCIDENT' }))).toMatchObject({
      priority: 'urgent',
      type: 'incident',
    });
    expect(change(ticketTriggerBody({ priority: '-', type: '' }))).toMatchObject({ priority: null, type: null });
    expect(issues(ticketTriggerBody({ priority: 'p'.repeat(1000) }))[0]).toMatch(/^ticket\.priority: must be one of/);
  });
});

import { $ZodError } from 'zod/v4/core';
import { HttpError } from '../../../lib/errors.js';
import { TRUNCATION_MARKER } from '../../../lib/fields.js';
import { parseTermsWebhook } from '../../../lib/terms/ingress.js';
import { acceptanceBody } from '../../support/terms.js';

const NOW = Date.parse('2026-11-25T00:00:00Z');

function issues(body: unknown): string[] {
  try {
    parseTermsWebhook(body, NOW);
  } catch (error) {
    if (error instanceof $ZodError) return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    if (error instanceof HttpError) return [error.message];
    throw error;
  }
  return [];
}

describe('parseTermsWebhook', () => {
  it('accepts one acceptance, a list, or {acceptances: [...]}, normalising time, email and IPv6', () => {
    const one = acceptanceBody(1, {
      email: 'Ann@Example.COM',
      ip: '2001:DB8::1',
      accepted_at: '2026-11-20T10:15:00+01:00',
    });

    const [single] = parseTermsWebhook(one, NOW);
    const list = parseTermsWebhook([acceptanceBody(1), acceptanceBody(2)], NOW);
    const wrapped = parseTermsWebhook({ acceptances: [acceptanceBody(3)] }, NOW);

    expect(single).toMatchObject({
      email: 'ann@example.com',
      ip: '2001:db8::1',
      accepted_at: '2026-11-20T09:15:00.000Z',
    });
    expect(list.map((acceptance) => acceptance.acceptance_id)).toEqual(['acc-1', 'acc-2']);
    expect(wrapped).toHaveLength(1);
  });

  it('names each invalid field', () => {
    expect(issues(acceptanceBody(1, { ip: '999.1.1.1' }))).toContain('ip: must be an IPv4 or IPv6 address');
    expect(issues(acceptanceBody(1, { accepted_at: 'yesterday' }))[0]).toMatch(
      /^accepted_at: must be an ISO 8601 date-time/,
    );
    expect(issues(acceptanceBody(1, { accepted_at: '2026-11-20T09:15:00' }))[0]).toMatch(/^accepted_at:/);
    expect(issues(acceptanceBody(1, { terms_version: 'the new one' }))[0]).toMatch(/^terms_version: must be a version/);
    expect(issues(acceptanceBody(1, { terms_sha256: 'abc' }))[0]).toMatch(/^terms_sha256: must be the 64-hex SHA-256/);
    expect(issues(acceptanceBody(1, { user_id: undefined })).some((issue) => issue.startsWith('user_id:'))).toBe(true);
  });

  it('names the position of a bad acceptance in a batch', () => {
    expect(issues({ acceptances: [acceptanceBody(1), acceptanceBody(2, { ip: 'localhost' })] })).toContain(
      'acceptances.1.ip: must be an IPv4 or IPv6 address',
    );
  });

  it('refuses an acceptance from the future, naming its place', () => {
    expect(issues(acceptanceBody(1, { accepted_at: '2026-11-25T00:10:00Z' }))).toEqual([
      'accepted_at: 2026-11-25T00:10:00.000Z is more than 5 minutes in the future',
    ]);
    expect(
      issues({ acceptances: [acceptanceBody(1), acceptanceBody(2, { accepted_at: '9999-01-01T00:00Z' })] }),
    ).toEqual(['acceptances.1.accepted_at: 9999-01-01T00:00:00.000Z is more than 5 minutes in the future']);
  });

  it('refuses impossible dates and dates before 1971 instead of shifting them', () => {
    expect(issues(acceptanceBody(1, { accepted_at: '2026-02-30T10:00:00Z' }))).toEqual([
      'accepted_at: 2026-02-30T10:00:00Z: day 30 does not exist in 2026-02 (it has 28 days)',
    ]);
    expect(issues([acceptanceBody(1, { accepted_at: '1900-01-01T00:00:00Z' })])[0]).toMatch(
      /^0\.accepted_at: .* is before 1971-01-01/,
    );
  });

  it('refuses an IP with a zone id', () => {
    expect(issues(acceptanceBody(1, { ip: `fe80::1%eth0${'x'.repeat(60)}` }))).toEqual([
      'ip: must be an IP address without a zone id (%…): it means nothing off the host',
    ]);
    expect(issues(acceptanceBody(1, { ip: 'fe80::1%eth0' }))).toHaveLength(1);
  });

  it.each(['null', 'undefined', '0', '-1', 'None', 'anon', 'nil', '[]', '{}', ' '])(
    'refuses the placeholder user_id %j',
    (userId) => {
      expect(issues(acceptanceBody(1, { user_id: userId }))).toEqual([
        'user_id: is a placeholder, not a user id (Mixpanel refuses it as a distinct_id)',
      ]);
    },
  );

  it('cuts a long user agent to User_Agent__c with a visible marker', () => {
    const [acceptance] = parseTermsWebhook(acceptanceBody(1, { user_agent: 'M'.repeat(5000) }), NOW);

    expect(acceptance?.user_agent).toHaveLength(255);
    expect(acceptance?.user_agent.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('keeps one of identical acceptances in a batch, and refuses one id with different evidence', () => {
    const same = parseTermsWebhook([acceptanceBody(1), acceptanceBody(2), acceptanceBody(1)], NOW);

    expect(same.map((acceptance) => acceptance.acceptance_id)).toEqual(['acc-1', 'acc-2']);
    expect(
      issues({ acceptances: [acceptanceBody(1), acceptanceBody(2), acceptanceBody(1, { ip: '198.51.100.1' })] }),
    ).toEqual([
      'acceptances.2.acceptance_id: acc-1 is also at acceptances.0 with different evidence; ' +
        'one acceptance has one record',
    ]);
  });
});

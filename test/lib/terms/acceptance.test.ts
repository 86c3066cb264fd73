import { ZodError } from 'zod';
import { HttpError } from '../../../lib/errors.js';
import { parseTermsWebhook } from '../../../lib/terms/ingress.js';
import { acceptanceBody } from '../../support/terms.js';

const NOW = Date.parse('2026-11-25T00:00:00Z');

function issues(body: unknown): string[] {
  try {
    parseTermsWebhook(body, NOW);
  } catch (error) {
    if (error instanceof ZodError) return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
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

  it('refuses an acceptance from the future', () => {
    expect(issues(acceptanceBody(1, { accepted_at: '2026-11-25T00:10:00Z' }))).toEqual([
      'Invalid request: accepted_at: 2026-11-25T00:10:00.000Z is in the future',
    ]);
  });
});

import {
  findAcceptances,
  HASH_EXPLANATION,
  renderHtml,
  renderText,
  type EvidenceReport,
} from '../../../../lib/terms/evidence/index.js';
import { anAcceptance, recordWithEvent, useEmulators } from './fixtures.js';

const env = useEmulators();

function report(by: { email: string } | { userId: string }): Promise<EvidenceReport> {
  return findAcceptances({
    salesforce: env.salesforce,
    mixpanel: env.mixpanel,
    by,
    instanceUrl: 'https://acme.my.salesforce.com',
    sources: { salesforce: 'https://acme.my.salesforce.com', mixpanel: 'https://data.mixpanel.com project 3100001' },
    spacingMs: 0,
    now: () => new Date('2026-11-25T10:00:00Z'),
  });
}

/** One verified acceptance, and one whose terms version was changed in Salesforce afterwards. */
async function verifiedAndTampered(userAgent?: string): Promise<EvidenceReport> {
  recordWithEvent(
    env,
    anAcceptance(1, {
      terms_version: '2025-06',
      accepted_at: '2025-06-02T14:03:11Z',
      ip: '2001:DB8::7',
      terms_url: 'https://example.com/terms/2025-06',
      terms_sha256: '3f'.repeat(32),
      ...(userAgent ? { user_agent: userAgent } : {}),
    }),
  );
  const tampered = recordWithEvent(
    env,
    anAcceptance(2, { terms_version: '2025-11', accepted_at: '2025-11-20T09:15:00Z', terms_sha256: '9c'.repeat(32) }),
  );
  env.sf.update('Terms_Acceptance__c', tampered, { Terms_Version__c: '2026-01' });
  return report({ email: 'jane.doe@example.com' });
}

describe('renderText', () => {
  it('prints a table, a verdict line per acceptance with its reasons, and the result', async () => {
    // Act
    const text = renderText(await verifiedAndTampered());

    // Assert
    expect(text).toBe(
      [
        'Terms acceptances of email jane.doe@example.com',
        'Generated 2026-11-25T10:00:00.000Z from Salesforce https://acme.my.salesforce.com ' +
          'and Mixpanel https://data.mixpanel.com project 3100001',
        '',
        '#  Accepted at (UTC)    Version  IP address   Terms sha256   Record     Evidence hash  Mixpanel event',
        '1  2025-06-02 14:03:11  2025-06  2001:db8::7  3f3f3f3f3f3f…  TA-000001  valid          found, agrees',
        '2  2025-11-20 09:15:00  2026-01  203.0.113.7  9c9c9c9c9c9c…  TA-000002  EDITED         found, DISAGREES',
        '',
        '1  TA-000001  acc-1  OK',
        '2  TA-000002  acc-2  EDITED SINCE RECORDED, MIXPANEL EVENT DISAGREES',
        '   - the record no longer matches the evidence hash stored when it was created: ' +
          'an evidence field was edited since (see the field history in Salesforce)',
        '   - the Mixpanel event differs from the record: terms_version record 2026-01 vs event 2025-11',
        '',
        'Result: NOT VERIFIED — 1 of 2 acceptances verified, 1 flagged.',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing was found', async () => {
    // Act
    const text = renderText(await report({ userId: 'u_404' }));

    // Assert
    expect(text).toContain('No Terms_Acceptance__c record found.');
    expect(text).toContain('Result: NOT VERIFIED — no terms acceptance found.');
  });
});

describe('renderHtml', () => {
  it('is one self-contained document with every field, the verdicts and the hash explanation', async () => {
    // Arrange
    const evidence = await verifiedAndTampered();

    // Act
    const html = renderHtml(evidence);

    // Assert
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect(html).toContain('For email jane.doe@example.com · generated 2026-11-25 10:00:00 UTC');
    expect(html).toContain('Result: NOT VERIFIED — 1 of 2 acceptances verified, 1 flagged.');
    for (const acceptance of evidence.acceptances) {
      for (const value of [
        acceptance.acceptanceId,
        acceptance.acceptedAt,
        acceptance.ipAddress,
        acceptance.termsSha256,
        acceptance.salesforce.id,
        acceptance.salesforce.name,
        acceptance.evidenceHash.stored,
        acceptance.evidenceHash.recomputed,
      ]) {
        expect(html).toContain(String(value));
      }
    }
    expect(html).toContain(
      `<a href="https://acme.my.salesforce.com/${evidence.acceptances[0]?.salesforce.id}">TA-000001</a>`,
    );
    expect(html).toContain('EDITED SINCE RECORDED, MIXPANEL EVENT DISAGREES');
    expect(html).toContain('&quot;acc-1&quot;'); // the canonical evidence, escaped
    expect(html).toContain(HASH_EXPLANATION.replace(/"/g, '&quot;'));
  });

  it('escapes every value, e.g. a <script> in a user agent, and links only http(s) terms URLs', async () => {
    // Arrange
    const evidence = await verifiedAndTampered('<script>alert("x")</script> & Co');
    const first = evidence.acceptances[0]!;
    first.termsUrl = 'javascript:alert(1)';

    // Act
    const html = renderHtml(evidence);

    // Assert
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<td>javascript:alert(1)</td>');
  });
});

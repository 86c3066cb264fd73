import type { ExportQuery, MixpanelExportReader } from '../../../../lib/clients/mixpanel/export.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import { findAcceptances, type FindAcceptancesOptions } from '../../../../lib/terms/evidence/index.js';
import { anAcceptance, recordAcceptance, recordWithEvent, useEmulators } from './fixtures.js';

const env = useEmulators();

/** The report for a person, reading both emulators; no pause between export queries. */
function find(by: FindAcceptancesOptions['by'], options: Partial<FindAcceptancesOptions> = {}) {
  return findAcceptances({
    salesforce: env.salesforce,
    mixpanel: env.mixpanel,
    by,
    instanceUrl: env.sf.url,
    spacingMs: 0,
    now: () => new Date('2026-11-25T10:00:00Z'),
    ...options,
  });
}

/** A reader that records its queries and passes them on. */
function spying(reader: MixpanelExportReader): MixpanelExportReader & { queries: ExportQuery[] } {
  const queries: ExportQuery[] = [];
  return { queries, exportEvents: (query) => (queries.push(query), reader.exportEvents(query)) };
}

describe('findAcceptances', () => {
  it('verifies a record whose hash matches and whose Mixpanel event agrees', async () => {
    // Arrange
    const acceptance = anAcceptance(1);
    const id = recordWithEvent(env, acceptance);

    // Act
    const report = await find({ userId: 'u_000001' });

    // Assert
    expect(report).toMatchObject({
      subject: { userId: 'u_000001' },
      generatedAt: '2026-11-25T10:00:00.000Z',
      verified: true,
    });
    expect(report.acceptances).toHaveLength(1);
    expect(report.acceptances[0]).toMatchObject({
      acceptanceId: 'acc-1',
      userId: 'u_000001',
      email: 'jane.doe@example.com',
      termsVersion: '2026-01',
      acceptedAt: '2026-01-31T09:15:00.000Z',
      ipAddress: '203.0.113.7',
      termsUrl: 'https://example.com/terms/2026-01',
      termsSha256: 'ab'.repeat(32),
      salesforce: {
        id,
        name: 'TA-000001',
        link: `${env.sf.url}/${id}`,
        createdDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      },
      hashValid: true,
      mixpanelEvent: {
        status: 'found',
        window: { fromDate: '2026-01-30', toDate: '2026-02-01' },
        event: {
          time: Date.parse('2026-01-31T09:15:00Z') / 1000,
          distinctId: 'u_000001',
          acceptedIp: '203.0.113.7',
          termsVersion: '2026-01',
          salesforceRecordId: id,
        },
        mismatches: [],
      },
      verdicts: ['OK'],
      verified: true,
    });
  });

  it('flags a record a person edited in Salesforce afterwards', async () => {
    // Arrange
    const id = recordWithEvent(env, anAcceptance(1));
    env.sf.update('Terms_Acceptance__c', id, { User_Agent__c: 'Edited by hand' });

    // Act
    const [edited] = (await find({ userId: 'u_000001' })).acceptances;

    // Assert
    expect(edited).toMatchObject({
      userAgent: 'Edited by hand',
      hashValid: false,
      verdicts: ['EDITED SINCE RECORDED'],
      verified: false,
    });
    expect(edited?.evidenceHash.recomputed).not.toBe(edited?.evidenceHash.stored);
  });

  it('flags an edited IP twice: the hash no longer matches and the Mixpanel event disagrees', async () => {
    // Arrange
    const id = recordWithEvent(env, anAcceptance(1));
    env.sf.update('Terms_Acceptance__c', id, { IP_Address__c: '198.51.100.23' });

    // Act
    const report = await find({ userId: 'u_000001' });

    // Assert
    expect(report.verified).toBe(false);
    expect(report.acceptances[0]).toMatchObject({
      verdicts: ['EDITED SINCE RECORDED', 'MIXPANEL EVENT DISAGREES'],
      mixpanelEvent: {
        status: 'found',
        mismatches: [{ field: 'accepted_ip', record: '198.51.100.23', event: '203.0.113.7' }],
      },
    });
  });

  it('flags an acceptance with no Mixpanel event, even if an event of another day or acceptance exists', async () => {
    // Arrange
    recordWithEvent(env, anAcceptance(1), false);
    recordWithEvent(env, anAcceptance(2, { accepted_at: '2026-03-10T12:00:00Z' }), {
      time: Date.parse('2026-03-13T12:00:00Z'),
    });
    recordWithEvent(env, anAcceptance(3, { accepted_at: '2026-05-01T08:00:00Z' }), { acceptance_id: 'acc-other' });

    // Act
    const report = await find({ userId: 'u_000001' });

    // Assert
    expect(report.verified).toBe(false);
    expect(report.acceptances.map((a) => [a.acceptanceId, a.hashValid, a.mixpanelEvent.status, a.verdicts])).toEqual([
      ['acc-1', true, 'missing', ['NO MIXPANEL EVENT']],
      ['acc-2', true, 'missing', ['NO MIXPANEL EVENT']],
      ['acc-3', true, 'missing', ['NO MIXPANEL EVENT']],
    ]);
    expect(report.acceptances[1]?.mixpanelEvent.window).toEqual({ fromDate: '2026-03-09', toDate: '2026-03-11' });
  });

  it('finds by email, whatever its case, and by user id; only that person, oldest first', async () => {
    // Arrange
    recordWithEvent(env, anAcceptance(1, { accepted_at: '2026-06-01T10:00:00Z', terms_version: '2026-06' }));
    recordWithEvent(env, anAcceptance(2, { accepted_at: '2026-01-31T09:15:00Z' }));
    recordWithEvent(env, anAcceptance(3, { user_id: 'u_000002', email: 'someone@example.com' }));

    // Act
    const byEmail = await find({ email: '  JANE.doe@example.COM ' });
    const byUserId = await find({ userId: 'u_000001' });
    const other = await find({ email: 'someone@example.com' });

    // Assert
    expect(byEmail.acceptances.map((a) => [a.acceptanceId, a.termsVersion, a.verified])).toEqual([
      ['acc-2', '2026-01', true],
      ['acc-1', '2026-06', true],
    ]);
    expect(byUserId.acceptances.map((a) => a.acceptanceId)).toEqual(['acc-2', 'acc-1']);
    expect(byEmail.verified && byUserId.verified).toBe(true);
    expect(other.acceptances.map((a) => a.acceptanceId)).toEqual(['acc-3']);
  });

  it('reports nobody found as not verified, without asking Mixpanel', async () => {
    // Act
    const report = await find({ email: 'nobody@example.com' });

    // Assert
    expect(report).toMatchObject({ acceptances: [], verified: false });
    expect(env.mp.calls().total).toBe(0);
  });

  it('flags a record without an evidence hash', async () => {
    // Arrange
    const acceptance = anAcceptance(1);
    const id = recordAcceptance(env.sf, acceptance, { Evidence_Hash__c: null });
    env.mp.seedEvents([
      {
        event: 'Terms Accepted',
        properties: {
          time: Date.parse(acceptance.accepted_at),
          distinct_id: 'u_000001',
          $insert_id: 'x1',
          acceptance_id: 'acc-1',
          accepted_ip: acceptance.ip,
          terms_version: acceptance.terms_version,
          terms_sha256: acceptance.terms_sha256,
          salesforce_record_id: id,
        },
      },
    ]);

    // Act
    const [acceptanceEvidence] = (await find({ userId: 'u_000001' })).acceptances;

    // Assert
    expect(acceptanceEvidence).toMatchObject({
      hashValid: false,
      evidenceHash: { stored: null },
      verdicts: ['NO EVIDENCE HASH'],
    });
  });

  it('asks Mixpanel once per run of nearby days: accepted-at day ± 1, Terms Accepted, by acceptance_id', async () => {
    // Arrange
    recordWithEvent(env, anAcceptance(1, { accepted_at: '2026-01-31T09:15:00Z' }));
    recordWithEvent(env, anAcceptance(2, { accepted_at: '2026-02-03T23:59:59Z' }));
    recordWithEvent(env, anAcceptance(3, { accepted_at: '2026-04-01T00:00:01Z' }));
    const reader = spying(env.mixpanel);

    // Act
    const report = await find({ userId: 'u_000001' }, { mixpanel: reader });

    // Assert
    expect(report.verified).toBe(true);
    expect(reader.queries).toEqual([
      {
        fromDate: '2026-01-30',
        toDate: '2026-02-04',
        events: ['Terms Accepted'],
        where: 'properties["acceptance_id"] == "acc-1" or properties["acceptance_id"] == "acc-2"',
      },
      {
        fromDate: '2026-03-31',
        toDate: '2026-04-02',
        events: ['Terms Accepted'],
        where: 'properties["acceptance_id"] == "acc-3"',
      },
    ]);
  });

  it('tries a rate-limited export once more, and reports a failing one as not checked', async () => {
    // Arrange
    recordWithEvent(env, anAcceptance(1));
    const waits: number[] = [];
    let calls = 0;
    const flaky: MixpanelExportReader = {
      exportEvents: (query) =>
        calls++ === 0
          ? Promise.reject(new RetryableError('Mixpanel export answered 429', { retryAfterSeconds: 3 }))
          : env.mixpanel.exportEvents(query),
    };
    const refusing: MixpanelExportReader = {
      exportEvents: () => Promise.reject(new PermanentError('Mixpanel export answered 401: Invalid credentials')),
    };

    // Act
    const retried = await find({ userId: 'u_000001' }, { mixpanel: flaky, sleep: async (ms) => void waits.push(ms) });
    const refused = await find({ userId: 'u_000001' }, { mixpanel: refusing });

    // Assert
    expect(retried.verified).toBe(true);
    expect(waits).toEqual([3000]);
    expect(refused.acceptances[0]).toMatchObject({
      hashValid: true,
      mixpanelEvent: { status: 'error', message: expect.stringContaining('401') },
      verdicts: ['MIXPANEL NOT CHECKED'],
      verified: false,
    });
  });
});

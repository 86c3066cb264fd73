import { loadMixpanelExportConfig, type MixpanelExportConfig } from '../../../../lib/clients/mixpanel/config.js';
import { MixpanelExportClient } from '../../../../lib/clients/mixpanel/export.js';
import { ConfigError } from '../../../../lib/config.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import { startMixpanelEmulator, type MixpanelEmulator } from '../../../../sandbox/mixpanel/index.js';

const DAY = Date.UTC(2025, 0, 14) / 1000;

function configFor(mp: MixpanelEmulator, overrides: Partial<MixpanelExportConfig> = {}): MixpanelExportConfig {
  const account = mp.config.serviceAccounts[0]!;
  return {
    exportApiUrl: mp.url,
    projectId: mp.config.projectId,
    serviceAccount: account.username,
    serviceAccountSecret: account.secret,
    ...overrides,
  };
}

/** A fetch that answers every call with one canned response. */
function answering(status: number, body: string, headers: Record<string, string> = {}): typeof fetch {
  return async () => new Response(body, { status, headers });
}

describe('MixpanelExportClient', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanelEmulator({ port: 0, exportRateLimit: { perSecond: 100, perHour: 1000 } });
  });
  afterEach(() => {
    mp.reset();
    mp.resetCalls();
  });
  afterAll(() => mp.stop());

  it('reads the events of the days asked, filtered by name and where, time in seconds', async () => {
    // Arrange
    mp.seedEvents([
      {
        event: 'Terms Accepted',
        properties: { time: DAY + 60, distinct_id: 'u_1', $insert_id: 'i-1', acceptance_id: 'a-1' },
      },
      {
        event: 'Terms Accepted',
        properties: { time: DAY + 120, distinct_id: 'u_2', $insert_id: 'i-2', acceptance_id: 'a-2' },
      },
      { event: 'Other', properties: { time: DAY + 180, distinct_id: 'u_1', $insert_id: 'i-3', acceptance_id: 'a-1' } },
    ]);
    const client = new MixpanelExportClient(configFor(mp));

    // Act
    const events = await client.exportEvents({
      fromDate: '2025-01-14',
      toDate: '2025-01-14',
      events: ['Terms Accepted'],
      where: 'properties["acceptance_id"] == "a-1"',
    });

    // Assert
    expect(events).toEqual([
      {
        event: 'Terms Accepted',
        properties: { time: DAY + 60, distinct_id: 'u_1', $insert_id: 'i-1', acceptance_id: 'a-1' },
      },
    ]);
    expect(mp.calls().byEndpoint).toEqual({ export: 1 });
  });

  it('reads a gzipped answer', async () => {
    // Arrange
    mp.seedEvents(
      Array.from({ length: 50 }, (_, i) => ({
        event: 'E',
        properties: { time: DAY + i, distinct_id: 'u_1', $insert_id: `g-${i}`, pad: 'x'.repeat(40) },
      })),
    );

    // Act
    const events = await new MixpanelExportClient(configFor(mp)).exportEvents({
      fromDate: '2025-01-14',
      toDate: '2025-01-14',
    });

    // Assert
    expect(events).toHaveLength(50);
  });

  it('classifies refused credentials and refused queries as permanent', async () => {
    // Arrange
    const wrong = new MixpanelExportClient(configFor(mp, { serviceAccountSecret: 'nope' }));
    const client = new MixpanelExportClient(configFor(mp));

    // Act + Assert
    await expect(wrong.exportEvents({ fromDate: '2025-01-14', toDate: '2025-01-14' })).rejects.toMatchObject({
      name: 'PermanentError',
      code: 'MIXPANEL_EXPORT_401',
    });
    await expect(
      client.exportEvents({ fromDate: '2025-01-14', toDate: '2025-01-14', where: 'properties["a"] > 1' }),
    ).rejects.toMatchObject({
      code: 'MIXPANEL_EXPORT_400',
      message: expect.stringContaining('unsupported where'),
    });
    await expect(client.exportEvents({ fromDate: '14.01.2025', toDate: '2025-01-14' })).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
    await expect(client.exportEvents({ fromDate: '2025-01-15', toDate: '2025-01-14' })).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
    expect(mp.calls().byEndpoint).toEqual({ export: 2 });
  });

  it('classifies the rate limit, 5xx and no answer as retryable', async () => {
    // Arrange
    const limited = await startMixpanelEmulator({ port: 0, exportRateLimit: { perSecond: 1, perHour: 60 } });
    const client = new MixpanelExportClient(configFor(limited));
    const range = { fromDate: '2025-01-14', toDate: '2025-01-14' };

    try {
      // Act
      await client.exportEvents(range);
      const rateLimited: unknown = await client.exportEvents(range).catch((error: unknown) => error);
      limited.setFaults({ errorRate: 1, errorStatus: 503 });
      const unavailable: unknown = await client.exportEvents(range).catch((error: unknown) => error);

      // Assert
      expect(rateLimited).toBeInstanceOf(RetryableError);
      expect(rateLimited).toMatchObject({ message: expect.stringContaining('answered 429') });
      expect(unavailable).toBeInstanceOf(RetryableError);
      expect(unavailable).toMatchObject({ message: expect.stringContaining('answered 503') });
    } finally {
      await limited.stop();
    }
    await expect(
      new MixpanelExportClient(configFor(mp, { exportApiUrl: 'http://127.0.0.1:1' })).exportEvents(range),
    ).rejects.toBeInstanceOf(RetryableError);
  });

  it('keeps Retry-After and treats a broken-off stream as retryable', async () => {
    // Arrange
    const config = configFor(mp);
    const range = { fromDate: '2025-01-14', toDate: '2025-01-14' };

    // Act
    const limited = new MixpanelExportClient(config, {
      fetchImpl: answering(429, 'rate limited', { 'retry-after': '7' }),
    }).exportEvents(range);
    const broken = new MixpanelExportClient(config, {
      fetchImpl: answering(200, '{"event":"E","properties":{"time":1}}\n[terminated early]\n'),
    }).exportEvents(range);
    const jsonError = new MixpanelExportClient(config, {
      fetchImpl: answering(400, '{"request":"/api/2.0/export","error":"bad where"}'),
    }).exportEvents(range);

    // Assert
    await expect(limited).rejects.toMatchObject({ name: 'RetryableError', retryAfterSeconds: 7 });
    await expect(broken).rejects.toBeInstanceOf(RetryableError);
    await expect(jsonError).rejects.toBeInstanceOf(PermanentError);
    await expect(jsonError).rejects.toThrow('Mixpanel export answered 400: bad where');
  });
});

describe('loadMixpanelExportConfig', () => {
  const noSsm = async (): Promise<string | undefined> => undefined;

  it('defaults the data host and needs no project token', async () => {
    // Act
    const config = await loadMixpanelExportConfig(noSsm, {
      MIXPANEL_PROJECT_ID: '1',
      MIXPANEL_SERVICE_ACCOUNT: 'sa',
      MIXPANEL_SERVICE_ACCOUNT_SECRET: 's',
    });

    // Assert
    expect(config).toEqual({
      exportApiUrl: 'https://data.mixpanel.com',
      projectId: '1',
      serviceAccount: 'sa',
      serviceAccountSecret: 's',
    });
  });

  it('takes MIXPANEL_EXPORT_API_URL and the secret from SSM, and names what is missing', async () => {
    // Act
    const eu = await loadMixpanelExportConfig(async (name) => (name === '/mp/secret' ? 'from-ssm' : undefined), {
      MIXPANEL_EXPORT_API_URL: 'https://data-eu.mixpanel.com/',
      MIXPANEL_PROJECT_ID: '1',
      MIXPANEL_SERVICE_ACCOUNT: 'sa',
      MIXPANEL_SERVICE_ACCOUNT_SECRET_SSM: '/mp/secret',
    });
    const missing = loadMixpanelExportConfig(noSsm, { MIXPANEL_PROJECT_ID: '1' });

    // Assert
    expect(eu).toMatchObject({ exportApiUrl: 'https://data-eu.mixpanel.com', serviceAccountSecret: 'from-ssm' });
    await expect(missing).rejects.toBeInstanceOf(ConfigError);
    await expect(missing).rejects.toThrow(/MIXPANEL_SERVICE_ACCOUNT is not set/);
  });
});

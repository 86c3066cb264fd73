import type { MixpanelGdprConfig } from '../../../../lib/clients/mixpanel/config.js';
import { MixpanelGdprClient } from '../../../../lib/clients/mixpanel/gdpr.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import {
  startMixpanelEmulator,
  type MixpanelEmulator,
  type MixpanelEmulatorOptions,
} from '../../../../sandbox/mixpanel/index.js';
import { freePort } from '../../../support/command.js';

const GDPR_TOKEN = 'test-gdpr-oauth-token';

let emulator: MixpanelEmulator;
let now = Date.UTC(2026, 0, 10, 9, 0, 0);

async function startWith(options: MixpanelEmulatorOptions = {}): Promise<MixpanelEmulator> {
  emulator = await startMixpanelEmulator({
    clock: () => now,
    ...options,
    gdpr: { oauthTokens: [GDPR_TOKEN], completeAfterMs: 60_000, ...options.gdpr },
  });
  return emulator;
}

function configFor(mp: MixpanelEmulator, overrides: Partial<MixpanelGdprConfig> = {}): MixpanelGdprConfig {
  return { gdprApiUrl: `${mp.url}/api/app`, projectToken: mp.config.projectToken, gdprToken: GDPR_TOKEN, ...overrides };
}

/** A fetch that records what was sent before passing it on. */
function recordingFetch(): { fetchImpl: typeof fetch; sent: Array<{ url: string; init: RequestInit }> } {
  const sent: Array<{ url: string; init: RequestInit }> = [];
  return {
    sent,
    fetchImpl: (input, init) => {
      sent.push({ url: input instanceof Request ? input.url : input.toString(), init: init ?? {} });
      return fetch(input, init);
    },
  };
}

afterEach(async () => emulator.stop());

describe('MixpanelGdprClient.requestDeletion', () => {
  it('posts the ids and compliance type with the bearer and project tokens, and returns the task id', async () => {
    // Arrange
    const mp = await startWith();
    const { fetchImpl, sent } = recordingFetch();
    const client = new MixpanelGdprClient(configFor(mp), { fetchImpl });

    // Act
    const trackingId = await client.requestDeletion(['u_1', 'u_2'], 'CCPA');

    // Assert
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(`${mp.url}/api/app/data-deletions/v3.0/?token=${mp.config.projectToken}`);
    expect(sent[0]?.init.method).toBe('POST');
    expect(sent[0]?.init.headers).toEqual(expect.objectContaining({ authorization: `Bearer ${GDPR_TOKEN}` }));
    expect(JSON.parse(sent[0]?.init.body as string)).toEqual({ distinct_ids: ['u_1', 'u_2'], compliance_type: 'CCPA' });
    expect(mp.deletionTask(trackingId)).toEqual(
      expect.objectContaining({ distinct_ids: ['u_1', 'u_2'], compliance_type: 'CCPA', status: 'PENDING' }),
    );
  });

  it('refuses more than 2,000 ids without calling Mixpanel', async () => {
    // Arrange
    const mp = await startWith();
    const { fetchImpl, sent } = recordingFetch();
    const client = new MixpanelGdprClient(configFor(mp), { fetchImpl });

    // Act
    const request = client.requestDeletion(Array.from({ length: 2001 }, (_, i) => `u_${i}`));

    // Assert
    await expect(request).rejects.toBeInstanceOf(PermanentError);
    expect(sent).toHaveLength(0);
  });

  it('waits out a 429 with the documented back-off and then succeeds', async () => {
    // Arrange: a budget of one request a second, already spent
    const mp = await startWith({ gdpr: { oauthTokens: [GDPR_TOKEN], rateLimit: { windowMs: 1000, maxRequests: 1 } } });
    const slept: number[] = [];
    const client = new MixpanelGdprClient(configFor(mp), {
      sleep: (ms) => {
        slept.push(ms);
        now += ms;
        return Promise.resolve();
      },
    });
    await client.requestDeletion(['u_0']);

    // Act
    const trackingId = await client.requestDeletion(['u_1']);

    // Assert
    expect(slept).toEqual([2000]);
    expect(mp.callsByStatus()).toEqual({ 201: 2, 429: 1 });
    expect(mp.deletionTask(trackingId)?.distinct_ids).toEqual(['u_1']);
  });

  it('takes Retry-After over its own back-off, then gives up as a rate-limited RetryableError', async () => {
    // Arrange
    await startWith();
    const slept: number[] = [];
    const tooMany = () =>
      Promise.resolve(
        new Response(JSON.stringify({ status: 'error', error: 'rate limited' }), {
          status: 429,
          headers: { 'retry-after': '7' },
        }),
      );
    const client = new MixpanelGdprClient(configFor(emulator), {
      fetchImpl: tooMany,
      maxAttempts: 3,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });

    // Act
    const error = await client.requestDeletion(['u_1']).catch((caught: unknown) => caught);

    // Assert
    expect(slept).toEqual([7000, 7000]);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).rateLimited).toBe(true);
    expect((error as Error).message).toContain('after 3 attempts');
  });

  it('reports a refused OAuth token as a PermanentError that does not repeat either token', async () => {
    // Arrange
    const mp = await startWith();
    const client = new MixpanelGdprClient(configFor(mp, { gdprToken: 'expired-oauth-token' }));

    // Act
    const error = await client.requestDeletion(['u_1']).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).code).toBe('MIXPANEL_GDPR_401');
    expect((error as Error).message).not.toContain('expired-oauth-token');
    expect((error as Error).message).not.toContain(mp.config.projectToken);
    expect(mp.stats().deletionTasks).toBe(0);
  });

  it('says Mixpanel did not answer when nothing listens', async () => {
    // Arrange
    emulator = await startWith();
    const port = await freePort();
    const client = new MixpanelGdprClient(configFor(emulator, { gdprApiUrl: `http://127.0.0.1:${port}/api/app` }));

    // Act
    const error = await client.requestDeletion(['u_1']).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toContain('did not answer');
  });
});

describe('MixpanelGdprClient.deletionStatus', () => {
  it('reads a task as PENDING, then SUCCESS once Mixpanel has run it', async () => {
    // Arrange
    const mp = await startWith();
    const client = new MixpanelGdprClient(configFor(mp));
    const trackingId = await client.requestDeletion(['u_1']);

    // Act
    const pending = await client.deletionStatus(trackingId);
    now += 60_000;
    const done = await client.deletionStatus(trackingId);

    // Assert
    expect(pending).toEqual({
      trackingId,
      status: 'PENDING',
      complianceType: 'GDPR',
      distinctIds: ['u_1'],
      requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/) as unknown,
    });
    expect(done.status).toBe('SUCCESS');
  });

  it('reports an unknown tracking id as a PermanentError (404)', async () => {
    // Arrange
    const mp = await startWith();
    const client = new MixpanelGdprClient(configFor(mp));

    // Act
    const error = await client.deletionStatus('no-such-task').catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).code).toBe('MIXPANEL_GDPR_404');
  });
});

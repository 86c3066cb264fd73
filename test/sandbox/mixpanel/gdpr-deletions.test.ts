import type { MixpanelEmulator } from '../../../sandbox/mixpanel/index.js';
import { anEvent, fakeClock, startMixpanel } from './fixtures.js';

const GDPR_TOKEN = 'test-gdpr-oauth-token';

describe('GDPR API v3 deletion tasks (/api/app/data-deletions/v3.0/)', () => {
  let mp: MixpanelEmulator;
  const clock = fakeClock();
  beforeAll(async () => {
    mp = await startMixpanel({ clock: clock.now, gdpr: { oauthTokens: [GDPR_TOKEN], completeAfterMs: 60_000 } });
  });
  afterEach(() => mp.reset());
  afterAll(() => mp.stop());

  function deletions(
    path = '',
    init: { method?: string; body?: unknown; token?: string | null; bearer?: string } = {},
  ) {
    const token = init.token === undefined ? mp.config.projectToken : init.token;
    const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
    return fetch(`${mp.url}/api/app/data-deletions/v3.0/${path}${query}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${init.bearer ?? GDPR_TOKEN}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  }

  it('files a task that is PENDING, then completes and removes only its users events and profiles', async () => {
    // Arrange
    mp.seedEvents([anEvent({ distinct_id: 'u_gone' }), anEvent({ distinct_id: 'u_gone' }), anEvent()]);
    mp.seedProfile('u_gone', { plan: 'pro' });
    mp.seedProfile('u_1', { plan: 'free' });

    // Act
    const created = await deletions('', { body: { distinct_ids: ['u_gone'], compliance_type: 'GDPR' } });
    const createdBody = (await created.json()) as { status: string; results: { task_id: string } };
    const taskId = createdBody.results.task_id;
    const pending = (await (await deletions(taskId)).json()) as { results: Record<string, unknown> };
    const eventsWhilePending = mp.events('u_gone').length;
    clock.advance(60_000);
    const done = await deletions(taskId);
    const doneBody = (await done.json()) as { status: string; results: Record<string, unknown> };

    // Assert
    expect(created.status).toBe(201);
    expect(createdBody.status).toBe('ok');
    expect(pending.results).toEqual(
      expect.objectContaining({ tracking_id: taskId, status: 'PENDING', compliance_type: 'GDPR' }),
    );
    expect(eventsWhilePending).toBe(2);
    expect(done.status).toBe(200);
    expect(doneBody).toEqual({
      status: 'ok',
      results: expect.objectContaining({
        tracking_id: taskId,
        status: 'SUCCESS',
        distinct_ids: ['u_gone'],
        project_id: Number(mp.config.projectId),
      }) as unknown,
    });
    expect(mp.events('u_gone')).toEqual([]);
    expect(mp.profile('u_gone')).toBeUndefined();
    expect(mp.events('u_1')).toHaveLength(1);
    expect(mp.profile('u_1')?.properties).toEqual({ plan: 'free' });
  });

  it('keeps events imported after the task completed', async () => {
    // Arrange
    const created = await deletions('', { body: { distinct_ids: ['u_1'] } });
    const { results } = (await created.json()) as { results: { task_id: string } };
    clock.advance(60_000);
    expect(mp.deletionTask(results.task_id)?.status).toBe('SUCCESS');

    // Act
    mp.seedEvents([anEvent()]);

    // Assert
    expect(mp.events('u_1')).toHaveLength(1);
  });

  it('takes CCPA as a compliance type and defaults to GDPR', async () => {
    // Act
    const ccpa = await deletions('', { body: { distinct_ids: ['u_1'], compliance_type: 'CCPA' } });
    const plain = await deletions('', { body: { distinct_ids: ['u_2'] } });
    const ccpaId = ((await ccpa.json()) as { results: { task_id: string } }).results.task_id;
    const plainId = ((await plain.json()) as { results: { task_id: string } }).results.task_id;

    // Assert
    expect(mp.deletionTask(ccpaId)?.compliance_type).toBe('CCPA');
    expect(mp.deletionTask(plainId)?.compliance_type).toBe('GDPR');
  });

  it.each([
    ['no distinct_ids', {}],
    ['an empty list', { distinct_ids: [] }],
    ['2,001 ids', { distinct_ids: Array.from({ length: 2001 }, (_, i) => `u_${i}`) }],
    ['a non-string id', { distinct_ids: [42] }],
    ['an unknown compliance type', { distinct_ids: ['u_1'], compliance_type: 'HIPAA' }],
  ])('refuses %s with 400 and the error shape of the API', async (_, body) => {
    // Act
    const res = await deletions('', { body });

    // Assert
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: 'error', error: expect.any(String) as unknown });
    expect(mp.stats().deletionTasks).toBe(0);
  });

  it('checks the bearer token (401) and the project token (400 missing, 403 another project)', async () => {
    // Act
    const badBearer = await deletions('', { body: { distinct_ids: ['u_1'] }, bearer: 'wrong' });
    const noToken = await deletions('', { body: { distinct_ids: ['u_1'] }, token: null });
    const otherProject = await deletions('', { body: { distinct_ids: ['u_1'] }, token: 'another-project' });

    // Assert
    expect([badBearer.status, noToken.status, otherProject.status]).toEqual([401, 400, 403]);
    expect(await badBearer.json()).toEqual(expect.objectContaining({ status: 'error' }));
    expect(mp.stats().deletionTasks).toBe(0);
  });

  it('answers 404 for a tracking id it never issued', async () => {
    // Act
    const res = await deletions('sandbox-deletion-999999');

    // Assert
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(expect.objectContaining({ status: 'error' }));
  });
});

describe('GDPR API v3 request budget', () => {
  it('answers 429 once its budget is spent, and admits again after the window', async () => {
    // Arrange
    const clock = fakeClock();
    const mp = await startMixpanel({
      clock: clock.now,
      gdpr: { oauthTokens: [GDPR_TOKEN], rateLimit: { windowMs: 1000, maxRequests: 1 } },
    });
    const post = () =>
      fetch(`${mp.url}/api/app/data-deletions/v3.0/?token=${mp.config.projectToken}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${GDPR_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ distinct_ids: ['u_1'] }),
      });

    try {
      // Act
      const first = await post();
      const second = await post();
      clock.advance(1001);
      const third = await post();

      // Assert
      expect([first.status, second.status, third.status]).toEqual([201, 429, 201]);
    } finally {
      await mp.stop();
    }
  });
});

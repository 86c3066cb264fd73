import type { ZendeskEmulator } from '../../../sandbox/zendesk/index.js';
import { addRequester, apiGet, fakeClock, startTestEmulator, zendeskClient } from './factories.js';

describe('Zendesk emulator rate limits', () => {
  let emulator: ZendeskEmulator;
  let clock: ReturnType<typeof fakeClock>;
  let userId: number;
  beforeEach(async () => {
    clock = fakeClock();
    const rateLimits = { requestsPerWindow: 3, incrementalRequestsPerWindow: 2, windowMs: 60_000 };
    emulator = await startTestEmulator({ now: clock.now, rateLimits });
    userId = addRequester(emulator).id;
  });
  afterEach(async () => emulator.stop());

  const spend = async (n: number, path = `/users/${userId}.json`): Promise<Response[]> => {
    const out: Response[] = [];
    for (let i = 0; i < n; i += 1) out.push(await apiGet(emulator, path));
    return out;
  };

  it('reports the budget in X-Rate-Limit headers on every answer, errors included', async () => {
    const ok = await apiGet(emulator, `/users/${userId}.json`);
    const missing = await apiGet(emulator, '/users/1.json');

    expect([ok.headers.get('x-rate-limit'), ok.headers.get('x-rate-limit-remaining')]).toEqual(['3', '2']);
    expect([missing.headers.get('x-rate-limit'), missing.headers.get('x-rate-limit-remaining')]).toEqual(['3', '1']);
    expect(missing.headers.get('ratelimit-reset')).toBe('60');
  });

  it('answers 429 in plain text with Retry-After once the minute is spent', async () => {
    await spend(3);

    const res = await apiGet(emulator, `/users/${userId}.json`);

    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Number of allowed API requests per minute exceeded');
    expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
  });

  it('counts Retry-After down to the end of the window and serves again after it', async () => {
    await spend(3);
    clock.advance(45_500);

    const limited = await apiGet(emulator, `/users/${userId}.json`);
    clock.advance(15_000);
    const served = await apiGet(emulator, `/users/${userId}.json`);

    expect(limited.headers.get('retry-after')).toBe('15');
    expect(served.status).toBe(200);
  });

  it('lets node-zendesk resolve a 429 with an error carrying statusCode 429 instead of throwing', async () => {
    await spend(3);

    const { result } = await zendeskClient(emulator).users.show(userId);

    expect(result).toBeInstanceOf(Error);
    expect(result).toMatchObject({ statusCode: 429 });
  });

  it('does not count requests that fail authentication', async () => {
    await spend(2, `/users/${userId}.json?x=1`);
    await apiGet(emulator, `/users/${userId}.json`, {});

    expect(emulator.rateLimitStatus().account.remaining).toBe(1);
  });

  it('limits the incremental export to its own per-minute budget, on top of the account budget', async () => {
    const exportPath = '/incremental/tickets/cursor.json?start_time=0';
    const [first, second, third] = await spend(3, exportPath);
    const other = await apiGet(emulator, `/users/${userId}.json`);

    expect([first?.status, second?.status, third?.status]).toEqual([200, 200, 429]);
    expect(third?.headers.get('retry-after')).toBe('60');
    expect(other.status).toBe(429);
    expect(emulator.rateLimitStatus().incremental.remaining).toBe(0);
  });
});

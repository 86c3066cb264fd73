import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, connect, startTestOrg } from './factories.js';

describe('Salesforce emulator API limits', () => {
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startTestOrg({ dailyApiRequests: 5, apiUsage: 1 });
  });
  afterEach(async () => sf.stop());

  it('puts Sforce-Limit-Info on every REST answer, errors included, and jsforce reads it', async () => {
    const conn = connect(sf);
    const ok = await api(sf, 'GET', '/query?q=SELECT+Id+FROM+Account');
    const bad = await api(sf, 'GET', '/sobjects/Nope__c/001');

    await conn.query('SELECT Id FROM Account');

    expect(ok.headers.get('sforce-limit-info')).toBe('api-usage=2/5');
    expect(bad.headers.get('sforce-limit-info')).toBe('api-usage=3/5');
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 4, limit: 5 } });
  });

  it('serves /limits with the daily allocation and what is left of it', async () => {
    const limits = await connect(sf).limits();

    expect(limits.DailyApiRequests).toEqual({ Max: 5, Remaining: 3 });
    expect(Object.keys(limits)).toEqual(
      expect.arrayContaining(['DailyBulkApiBatches', 'DailyBulkV2QueryJobs', 'DataStorageMB']),
    );
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the daily budget is spent, without counting it', async () => {
    sf.setApiUsage(5);

    const res = await api(sf, 'GET', '/limits');

    expect(res.status).toBe(403);
    expect(res.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(sf.apiUsage()).toMatchObject({ used: 5, max: 5, refused: 1 });
    expect(sf.callsByStatus()).toEqual({ 403: 1 });
  });

  it('does not count token requests against the budget', async () => {
    await fetch(sf.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sf.clientId,
        client_secret: sf.clientSecret,
      }),
    });

    expect(sf.apiUsage().used).toBe(1);
  });

  it('answers REQUEST_LIMIT_EXCEEDED when more requests are in flight than allowed', async () => {
    sf.setDailyApiLimit(100);
    sf.setConcurrencyLimit(1, 60);

    const [first, second] = await Promise.all([api(sf, 'GET', '/limits'), api(sf, 'GET', '/limits')]);

    expect([first?.status, second?.status].sort()).toEqual([200, 403]);
    expect([first, second].find((r) => r?.status === 403)?.body).toEqual([
      { message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
  });

  it('holds requests over the requests-per-second cap in arrival order instead of refusing them', async () => {
    sf.setDailyApiLimit(100);
    sf.setRequestRate(10);
    const started = performance.now();
    const finished: number[] = [];

    // One request every 10 ms: ten times the cap.
    const answers = await Promise.all(
      [0, 1, 2, 3, 4].map(async (n) => {
        await new Promise((resolve) => setTimeout(resolve, n * 10));
        const res = await api(sf, 'GET', `/query?q=SELECT+Id+FROM+Account+LIMIT+${n + 1}`);
        finished.push(n);
        return res.status;
      }),
    );

    expect(answers).toEqual([200, 200, 200, 200, 200]);
    expect(finished).toEqual([0, 1, 2, 3, 4]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(sf.apiUsage()).toMatchObject({ used: 6, refused: 0 });
  });

  it('takes the requests-per-second cap from its settings and lifts it when set to undefined', async () => {
    const capped = await startTestOrg({ requestsPerSecond: 5 });
    try {
      const time = async (): Promise<number> => {
        const started = performance.now();
        await Promise.all([0, 1, 2].map(() => api(capped, 'GET', '/limits')));
        return performance.now() - started;
      };

      const underCap = await time();
      capped.setRequestRate(undefined);
      const uncapped = await time();

      expect(underCap).toBeGreaterThanOrEqual(390);
      expect(uncapped).toBeLessThan(200);
    } finally {
      await capped.stop();
    }
  });

  it('answers injected faults in the Salesforce error shape', async () => {
    sf.setFaults({ errorRate: 1 });

    const res = await api(sf, 'GET', '/limits');

    expect(res.status).toBe(503);
    expect(res.body).toEqual([{ message: 'Injected fault: service unavailable', errorCode: 'SERVER_UNAVAILABLE' }]);
  });
});

describe('Salesforce emulator inspection', () => {
  let sf: SalesforceEmulator;
  beforeAll(async () => {
    sf = await startTestOrg();
    sf.insert('Account', { Name: 'Acme', Plan__c: 'pro' });
    sf.insert('Account', { Name: 'Globex', Plan__c: 'free' });
  });
  afterAll(async () => sf.stop());

  it('lists the records of an object, optionally filtered by a field, outside the budget and counters', async () => {
    const all = (await api(sf, 'GET', '/__sandbox/records/Account')).body as { totalSize: number };
    const pro = (await api(sf, 'GET', '/__sandbox/records/Account?field=Plan__c&value=pro')).body as {
      records: Array<{ Name: string }>;
    };

    expect(all.totalSize).toBe(2);
    expect(pro.records.map((r) => r.Name)).toEqual(['Acme']);
    expect(sf.calls().total).toBe(0);
    expect(sf.apiUsage().used).toBe(0);
  });

  it('answers 404 for an unknown object', async () => {
    expect((await api(sf, 'GET', '/__sandbox/records/Nope__c')).status).toBe(404);
  });

  it('reports record counts and API usage in the state snapshot', async () => {
    const state = (await api(sf, 'GET', '/__sandbox/state')).body;

    expect(state).toMatchObject({
      objects: { Account: 2, Contact: 0, Case: 0, Terms_Acceptance__c: 0 },
      apiUsage: { used: 0, max: 100_000 },
    });
  });
});

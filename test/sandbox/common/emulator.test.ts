import { gzipSync } from 'node:zlib';
import { startEmulator, type RunningEmulator } from '../../../sandbox/common/emulator.js';
import { Router } from '../../../sandbox/common/router.js';

function echoSpec() {
  const router = new Router()
    .add('POST', '/echo/:id', 'echo', (req) => ({ status: 200, body: { id: req.params.id, got: req.json() } }))
    .add('GET', '/items/*rest', 'items', (req) => ({ status: 200, body: { rest: req.params.rest } }));
  return {
    name: 'echo',
    router,
    state: () => ({ held: 1 }),
    errorBody: (status: number, message: string) => ({ status, message }),
  };
}

describe('startEmulator', () => {
  let emulator: RunningEmulator;
  afterEach(async () => emulator.stop());

  it('routes with params, gunzips bodies and counts calls per endpoint', async () => {
    emulator = await startEmulator(echoSpec());
    const res = await fetch(`${emulator.url}/echo/a%20b`, {
      method: 'POST',
      headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' },
      body: gzipSync(JSON.stringify({ x: 1 })),
    });
    await fetch(`${emulator.url}/items/a/b/c`);
    expect(await res.json()).toEqual({ id: 'a b', got: { x: 1 } });
    expect(emulator.calls()).toEqual({ total: 2, byEndpoint: { echo: 1, items: 1 } });
  });

  it('answers unknown paths 404 and wrong methods 405 in the vendor shape', async () => {
    emulator = await startEmulator(echoSpec());
    const missing = await fetch(`${emulator.url}/nope`);
    const wrong = await fetch(`${emulator.url}/echo/1`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ status: 404, message: 'No such endpoint: GET /nope' });
    expect(wrong.status).toBe(405);
    expect(emulator.callsByStatus()).toEqual({ 404: 1, 405: 1 });
  });

  it('forgets the answers by status with the call counters', async () => {
    emulator = await startEmulator(echoSpec());
    await fetch(`${emulator.url}/items/a`);

    emulator.resetCalls();
    await fetch(`${emulator.url}/nope`);

    expect(emulator.callsByStatus()).toEqual({ 404: 1 });
  });

  it('serves read-only inspection that is not counted as a call', async () => {
    emulator = await startEmulator(echoSpec());
    const state = await (await fetch(`${emulator.url}/__sandbox/state`)).json();
    const calls = await (await fetch(`${emulator.url}/__sandbox/calls`)).json();
    expect(state).toEqual({ held: 1 });
    expect(calls).toMatchObject({ total: 0, byEndpoint: {} });
  });

  it('injects the same errors for the same seed', async () => {
    const statuses = async (seed: number): Promise<number[]> => {
      emulator = await startEmulator(echoSpec(), { seed, faults: { errorRate: 0.5 } });
      const out: number[] = [];
      for (let i = 0; i < 20; i += 1) out.push((await fetch(`${emulator.url}/items/x`)).status);
      await emulator.stop();
      return out;
    };
    const first = await statuses(7);
    const second = await statuses(7);
    emulator = await startEmulator(echoSpec());
    expect(first).toEqual(second);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });

  it('answers 503 during an outage window and serves again after it', async () => {
    emulator = await startEmulator(echoSpec(), {
      faults: { outage: { from: Date.now() - 1, to: Date.now() + 60_000 } },
    });
    expect((await fetch(`${emulator.url}/items/x`)).status).toBe(503);
    emulator.setFaults({});
    expect((await fetch(`${emulator.url}/items/x`)).status).toBe(200);
  });

  it('hangs a request on an injected timeout until the socket is dropped', async () => {
    emulator = await startEmulator(echoSpec(), { faults: { timeoutRate: 1, hangMs: 50 } });
    await expect(fetch(`${emulator.url}/items/x`)).rejects.toThrow();
    expect(emulator.calls().byEndpoint).toEqual({ items: 1 });
  });

  it('adds the configured latency', async () => {
    emulator = await startEmulator(echoSpec(), { latency: 80 });
    const started = performance.now();
    await fetch(`${emulator.url}/items/x`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });
});

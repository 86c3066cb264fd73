import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZendeskClient } from '../../../../lib/clients/zendesk/client.js';
import type { ExportPage, ZendeskGateway, ZendeskTicketRecord } from '../../../../lib/clients/zendesk/gateway.js';
import { PermanentError, RetryableError } from '../../../../lib/errors.js';
import {
  runBackfill,
  type BackfillOptions,
  type BackfillProgress,
  type BackfillState,
} from '../../../../lib/tickets/backfill/runner.js';
import { BackfillStartError } from '../../../../lib/tickets/backfill/start.js';
import {
  defaultZendeskConfig,
  startZendeskEmulator,
  type ZendeskEmulator,
  type ZendeskEmulatorOptions,
} from '../../../../sandbox/zendesk/index.js';

const SEED_START = Date.parse('2024-01-01T00:00:00Z') / 1000;
const DAY = 86_400;

/** The emulator's and the runner's clock: only the injected sleep moves it, so nothing really waits. */
function fakeClock(startIso = '2024-07-01T00:00:00Z'): { now: () => number; advance: (ms: number) => void } {
  let ms = Date.parse(startIso);
  return { now: () => ms, advance: (by) => (ms += by) };
}

type ExportFrom = Parameters<ZendeskGateway['exportTickets']>[0];

/** Wraps the real client to record what each export request asked for, when, and how it failed. */
function recording(gateway: ZendeskGateway, now: () => number) {
  const requests: Array<{ from: ExportFrom; at: number }> = [];
  const failures: Array<{ error: unknown; sleepsBefore: number }> = [];
  const wrapped = (sleeps: () => number): ZendeskGateway => ({
    usersByIds: (ids) => gateway.usersByIds(ids),
    exportTickets: async (from): Promise<ExportPage> => {
      requests.push({ from, at: now() });
      try {
        return await gateway.exportTickets(from);
      } catch (error) {
        failures.push({ error, sleepsBefore: sleeps() });
        throw error;
      }
    },
  });
  return { requests, failures, wrapped };
}

describe('runBackfill', () => {
  let emulator: ZendeskEmulator;
  let clock: ReturnType<typeof fakeClock>;
  let dir: string;
  let stateFile: string;
  let sleeps: number[];
  let rec: ReturnType<typeof recording>;

  const start = async (options: ZendeskEmulatorOptions = {}, tickets = 2500): Promise<void> => {
    clock = fakeClock();
    emulator = await startZendeskEmulator({ now: clock.now, exportPageSize: 1000, exportLagSeconds: 0, ...options });
    if (tickets > 0) emulator.seed({ users: 100, tickets });
    const { email, apiToken } = defaultZendeskConfig.credentials;
    rec = recording(new ZendeskClient({ apiUrl: emulator.apiUrl, email, apiToken }), clock.now);
  };

  /** One run with a recording sleep that moves the fake clock; pages land in `delivered`. */
  const run = (delivered: ZendeskTicketRecord[][], overrides: Partial<BackfillOptions> = {}) =>
    runBackfill({
      zendesk: rec.wrapped(() => sleeps.length),
      stateFile,
      startTime: SEED_START,
      onPage: async (tickets) => {
        delivered.push(tickets);
      },
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
      now: clock.now,
      ...overrides,
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backfill-'));
    stateFile = join(dir, 'state', 'zendesk-backfill.json');
    sleeps = [];
  });
  afterEach(async () => {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const readState = async (): Promise<BackfillState> => JSON.parse(await readFile(stateFile, 'utf8')) as BackfillState;
  const ids = (pages: ZendeskTicketRecord[][]): number[] => pages.flat().map((t) => t.id);

  it('delivers 2,500 tickets once, in 3 pages, saving the cursor after each page is handled', async () => {
    await start();
    const delivered: ZendeskTicketRecord[][] = [];
    const savedWhileHandling: Array<number | undefined> = [];
    const savedAfter: BackfillState[] = [];
    const progress: BackfillProgress[] = [];

    const result = await run(delivered, {
      onPage: async (tickets) => {
        savedWhileHandling.push((await readState().catch(() => undefined))?.tickets);
        delivered.push(tickets);
      },
      onProgress: (p) => {
        progress.push(p);
        savedAfter.push(JSON.parse(readFileSync(stateFile, 'utf8')) as BackfillState);
      },
    });

    expect(result).toEqual({ pages: 3, tickets: 2500, cursor: expect.any(String), done: true });
    expect(delivered.map((page) => page.length)).toEqual([1000, 1000, 500]);
    expect(new Set(ids(delivered)).size).toBe(2500);
    expect(new Set(ids(delivered))).toEqual(new Set(emulator.listTickets().map((t) => t.id)));
    expect(emulator.calls().byEndpoint).toEqual({ 'incremental.tickets.cursor': 3 });
    // The state is written after a page is handled, never before.
    expect(savedWhileHandling).toEqual([undefined, 1000, 2000]);
    expect(savedAfter.map((s) => s.tickets)).toEqual([1000, 2000, 2500]);
    expect(savedAfter.map((s) => s.cursor)).toEqual(progress.map((p) => p.cursor));
    expect(progress.map((p) => p.done)).toEqual([false, false, true]);
    expect(await readState()).toMatchObject({ cursor: result.cursor, tickets: 2500, updatedAt: expect.any(String) });
    expect(await readdir(join(dir, 'state'))).toEqual(['zendesk-backfill.json']);
    expect(rec.requests.map((r) => 'startTime' in r.from)).toEqual([true, false, false]);
  });

  it('resumes from the saved cursor and delivers only the tickets changed since', async () => {
    await start();
    const first = await run([]);
    clock.advance(3_600_000);
    const changed = emulator
      .listTickets()
      .slice(0, 3)
      .map((t) => t.id);
    for (const id of changed) emulator.updateTicket(id, { status: 'solved' });

    const delivered: ZendeskTicketRecord[][] = [];
    const second = await run(delivered);

    expect(rec.requests.at(-1)?.from).toEqual({ cursor: first.cursor });
    expect(second).toMatchObject({ pages: 1, tickets: 3, done: true });
    expect(ids(delivered).sort()).toEqual([...changed].sort());
    expect(delivered.flat().every((t) => t.status === 'solved')).toBe(true);
    expect(await readState()).toMatchObject({ cursor: second.cursor, tickets: 2503 });
  });

  it('keeps the cursor at end_of_stream: a run with nothing new delivers nothing', async () => {
    await start();
    const first = await run([]);
    const delivered: ZendeskTicketRecord[][] = [];

    const second = await run(delivered);

    expect(second).toEqual({ pages: 1, tickets: 0, cursor: first.cursor, done: true });
    expect(delivered).toEqual([]);
  });

  it('stops after the page in hand on abort, and the next run continues from the page after it', async () => {
    await start();
    const controller = new AbortController();
    const before: ZendeskTicketRecord[][] = [];
    const stopped = await run(before, {
      signal: controller.signal,
      onPage: async (tickets) => {
        before.push(tickets);
        controller.abort();
      },
    });
    const after: ZendeskTicketRecord[][] = [];

    const resumed = await run(after);

    expect(stopped).toMatchObject({ pages: 1, tickets: 1000, done: false });
    expect(resumed).toMatchObject({ pages: 2, tickets: 1500, done: true });
    expect(ids(before).filter((id) => ids(after).includes(id))).toEqual([]);
    expect(new Set([...ids(before), ...ids(after)]).size).toBe(2500);
    expect(rec.requests[1]?.from).toEqual({ cursor: stopped.cursor });
  });

  it('waits at least Retry-After on a 429 mid-run and completes', async () => {
    await start({ rateLimits: { incrementalRequestsPerWindow: 2, windowMs: 60_000 } });
    const delivered: ZendeskTicketRecord[][] = [];

    const result = await run(delivered);

    expect(result).toMatchObject({ pages: 3, tickets: 2500, done: true });
    expect(new Set(ids(delivered)).size).toBe(2500);
    expect(rec.failures).toHaveLength(1);
    const [{ error, sleepsBefore }] = rec.failures as [{ error: unknown; sleepsBefore: number }];
    expect(error).toBeInstanceOf(RetryableError);
    const retryAfter = (error as RetryableError).retryAfterSeconds!;
    expect(retryAfter).toBe(48); // third request 12 s into the minute
    expect(sleeps[sleepsBefore]).toBeGreaterThanOrEqual(retryAfter * 1000);
    expect(emulator.calls().byEndpoint).toEqual({ 'incremental.tickets.cursor': 4 });
  });

  it('stops while waiting out a Retry-After when aborted, without another request', async () => {
    await start({ rateLimits: { incrementalRequestsPerWindow: 2, windowMs: 60_000 } });
    const controller = new AbortController();

    const result = await run([], {
      signal: controller.signal,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
        if (ms > 10_000) controller.abort();
      },
    });

    expect(result).toMatchObject({ pages: 2, tickets: 2000, done: false });
    expect(rec.requests).toHaveLength(3);
    expect(await readState()).toMatchObject({ cursor: result.cursor, tickets: 2000 });
  });

  it('spaces page requests by minIntervalMs, sleeping only what is left of the interval', async () => {
    await start();

    await run([]);
    expect(sleeps).toEqual([6000, 6000]);

    sleeps = [];
    await rm(stateFile);
    await run([], { minIntervalMs: 10_000, onPage: async () => clock.advance(4_000) });
    expect(sleeps).toEqual([6000, 6000]);
    const times = rec.requests.slice(-3).map((r) => r.at);
    expect(times[1]! - times[0]!).toBe(10_000);
    expect(times[2]! - times[1]!).toBe(10_000);
  });

  it('ends at once on an empty first page with end_of_stream, without calling onPage', async () => {
    await start({}, 0);
    const delivered: ZendeskTicketRecord[][] = [];

    const result = await run(delivered);

    expect(result).toEqual({ pages: 1, tickets: 0, cursor: null, done: true });
    expect(delivered).toEqual([]);
    expect(await readState()).toMatchObject({ cursor: null, tickets: 0 });
  });

  it('gives up after maxRetries on a lasting outage, keeping the state of the pages handled', async () => {
    await start();
    const delivered: ZendeskTicketRecord[][] = [];
    const attempt = run(delivered, {
      maxRetries: 2,
      onPage: async (tickets) => {
        delivered.push(tickets);
        emulator.setFaults({ errorRate: 1, errorStatus: 503 });
      },
    });

    await expect(attempt).rejects.toBeInstanceOf(RetryableError);
    expect(delivered).toHaveLength(1);
    expect(rec.failures).toHaveLength(3); // the first try and 2 retries of page 2
    const times = rec.requests.map((r) => r.at);
    expect(times.slice(1).every((at, i) => at - times[i]! >= 6000)).toBe(true); // back-off never undercuts the spacing
    expect(await readState()).toMatchObject({ tickets: 1000 });
  });

  it('does not retry a permanent failure, and refuses a corrupt state file', async () => {
    await start({ exportLagSeconds: 60 });
    await expect(run([], { startTime: clock.now() / 1000 })).rejects.toBeInstanceOf(PermanentError);
    expect(rec.requests).toHaveLength(1);

    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"cursor": 12');
    await expect(run([], { stateFile: broken })).rejects.toThrow(/not valid.*fix or delete it/);
  });

  it('refuses a start time other than the saved export start, before any request, keeping the state', async () => {
    await start();
    await run([]);
    const saved = await readFile(stateFile, 'utf8');
    const requests = rec.requests.length;

    const refused = run([], { startTime: SEED_START - 365 * DAY });

    await expect(refused).rejects.toBeInstanceOf(BackfillStartError);
    await expect(refused).rejects.toThrow(/cursor of an export from 2024-01-01T00:00:00.000Z \(2500 tickets, saved/);
    await expect(refused).rejects.toThrow(
      /start time given is 2023-01-01T00:00:00.000Z\. Choose: resume .*, or restart/,
    );
    expect(rec.requests).toHaveLength(requests);
    expect(await readFile(stateFile, 'utf8')).toBe(saved);
  });

  it('restarts from the start time when told to, replacing the cursor and the count', async () => {
    await start();
    const first = await run([]);
    const earlier = SEED_START - DAY;
    const delivered: ZendeskTicketRecord[][] = [];

    const again = await run(delivered, { startTime: earlier, savedCursor: 'restart' });

    expect(again).toMatchObject({ pages: 3, tickets: 2500, done: true });
    expect(new Set(ids(delivered)).size).toBe(2500);
    expect(rec.requests[first.pages]?.from).toEqual({ startTime: earlier });
    expect(await readState()).toMatchObject({ cursor: again.cursor, tickets: 2500, startTime: earlier });
  });

  it('resumes from the saved cursor when told to, or when no start time is given', async () => {
    await start();
    const first = await run([]);
    const changed = emulator.listTickets()[0]!.id;
    clock.advance(3_600_000);
    emulator.updateTicket(changed, { status: 'solved' });

    const resumed: ZendeskTicketRecord[][] = [];
    await run(resumed, { startTime: SEED_START - 365 * DAY, savedCursor: 'resume' });
    const caughtUp = await run([], { startTime: undefined });

    expect(ids(resumed)).toEqual([changed]);
    expect(rec.requests.at(-2)?.from).toEqual({ cursor: first.cursor });
    expect(caughtUp).toMatchObject({ pages: 1, tickets: 0, done: true });
    // The export is still the one that began at the first run's start time.
    expect(await readState()).toMatchObject({ tickets: 2501, startTime: SEED_START });
  });

  it('refuses a first run without a start time, a resume of nothing and a restart without a start time', async () => {
    await start();

    await expect(run([], { startTime: undefined })).rejects.toThrow(/No cursor is saved in .*needs a start time/);
    await expect(run([], { savedCursor: 'resume' })).rejects.toThrow(/Nothing to resume/);
    await run([]);
    await expect(run([], { startTime: undefined, savedCursor: 'restart' })).rejects.toThrow(/needs a start time/);
    expect(rec.requests).toHaveLength(3);
  });

  it('refuses a start time with a cursor whose start was not recorded', async () => {
    await start();
    const legacy = join(dir, 'legacy.json');
    await writeFile(legacy, JSON.stringify({ cursor: 'abc', updatedAt: '2024-06-01T00:00:00.000Z', tickets: 5 }));

    await expect(run([], { stateFile: legacy })).rejects.toThrow(/an unrecorded start time/);
    expect(rec.requests).toHaveLength(0);
  });
});

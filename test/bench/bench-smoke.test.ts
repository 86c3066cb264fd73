import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');

interface Report {
  name: string;
  figures: Record<string, unknown>;
  table: string[];
}

type Calls = { salesforce: number; mixpanel: number };

const SMOKE_SCENARIOS = ['relay', 'seed', 'ingress', 'budget', 'usage'];

// `npm run bench` at a tiny size, as a child process: every scenario runs and reports counts; no
// timing is asserted (the machine is shared), and no packing: the in-process hubs' batching windows
// are capped at 1 s, so that each hop waits a second rather than serverless.yml's 10 s (the usage
// scenario runs `npm start`, which keeps them).
describe('npm run bench, tiny', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every scenario and writes the JSON and the SVG chart', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        '--import',
        'tsx',
        'bench/run.ts',
        ...['--records', '20', '--naive-records', '10', '--seed-events', '40', '--seed-sample', '5'],
        ...['--ingress-requests', '20', '--budget-records', '200', '--budget-seconds', '20'],
        ...['--usage-users', '100', '--parallel', 'true', '--out', out],
      ],
      // Every scenario but cold-start, whose packaging test/infra/serverless-package.test.ts already runs.
      {
        cwd: root,
        env: { ...process.env, BENCH_ONLY: SMOKE_SCENARIOS.join(','), BENCH_MAX_BATCHING_WINDOW_SECONDS: '1' },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const files = readdirSync(out);
    const json = files.find((file) => file.endsWith('.json'));
    const svg = files.find((file) => file.endsWith('.svg'));
    const { reports } = JSON.parse(readFileSync(join(out, json ?? 'missing'), 'utf8')) as { reports: Report[] };
    const figures = (name: string) => reports.find((report) => report.name === name)?.figures ?? {};
    const relay = figures('relay').results as Array<{ records: number; calls: Calls }>;
    const seed = figures('seed').runs as Array<{ events: number; calls: Calls }>;
    const ingress = figures('ingress').runs as Array<{ requests: number }>;
    const budget = figures('budget') as { salesforceCalls: number; budgetUsed: number; alreadyUsed: number };
    const usage = figures('usage').nights as Array<{ users: number; mixpanelCalls: number }>;

    expect(reports.map((report) => report.name)).toEqual(SMOKE_SCENARIOS);
    expect(relay).toHaveLength(5);
    for (const result of relay) expect(result.calls.salesforce * result.calls.mixpanel).toBeGreaterThan(0);
    expect(seed).toHaveLength(3);
    for (const run of seed) expect(run.calls.salesforce * run.calls.mixpanel * run.events).toBeGreaterThan(0);
    expect(ingress).toHaveLength(3);
    for (const run of ingress) expect(run.requests).toBeGreaterThan(0);
    expect(budget.salesforceCalls).toBeGreaterThan(0);
    expect(budget.budgetUsed).toBeGreaterThan(budget.alreadyUsed);
    expect(usage.length).toBeGreaterThan(0);
    for (const night of usage) expect(night.users * night.mixpanelCalls).toBeGreaterThan(0);
    expect(readFileSync(join(out, svg ?? 'missing'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
    expect(stdout).toContain('### goals');
  }, 600_000);
});

import { resolve } from 'node:path';

/** The scenarios of `npm run bench`, in the order they run. */
export const SCENARIO_NAMES = ['relay', 'seed', 'ingress', 'budget', 'usage', 'cold-start'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface BenchOptions {
  only: ReadonlySet<ScenarioName>;
  /** Where the JSON and the SVG go. */
  outDir: string;
  /**
   * Scenarios at once rather than one after another (`BENCH_PARALLEL=true`): for a smoke run,
   * whose scenarios mostly wait on batching windows; their figures then share the cores.
   */
  parallel: boolean;
  /** Ticket webhooks per relay scenario, and acceptances. */
  records: number;
  /** Records of the naive relay beside them. */
  naiveRecords: number;
  /** Time each emulated API call takes. */
  latencyMs: number;
  seed: { events: number; naiveSample: number; requestsPerSecond: number; salesforceLatencyMs: number };
  ingress: { requests: number; connections: number };
  budget: { dailyLimit: number; alreadyUsed: number; records: number; guardPercent: number; seconds: number };
  usageUsers: number;
  /** Fresh processes per function (and per dependency) for the median import time. */
  coldStart: { imports: number };
}

/**
 * `--name value` flags as the `BENCH_NAME` settings they stand for (e.g. `--seed-events 500` is
 * `BENCH_SEED_EVENTS=500`), over the environment; `--only` and `--out` are kept apart.
 */
function settings(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { values: Record<string, string>; flags: string[] } {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (key.startsWith('BENCH_') && value) values[key] = value;
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] ?? '';
    const value = argv[i + 1];
    if (!flag.startsWith('--') || value === undefined) throw new Error(`Expected --name value, not ${flag}`);
    values[`BENCH_${flag.slice(2).toUpperCase().replace(/-/g, '_')}`] = value;
    flags.push(flag);
    i += 1;
  }
  return { values, flags };
}

/**
 * `BENCH_MAX_BATCHING_WINDOW_SECONDS`, read from the environment by each scenario's hub: caps the
 * hub's batching windows (`HubOptions.maxBatchingWindowSeconds`) so that the smoke test's tiny
 * runs wait a second a hop rather than serverless.yml's windows. The calls then count smaller
 * batches, so a real run leaves it unset.
 */
export function batchingWindowCap(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.BENCH_MAX_BATCHING_WINDOW_SECONDS;
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`BENCH_MAX_BATCHING_WINDOW_SECONDS must be a number ≥ 0, not ${raw}`);
  return value;
}

/** The bench's options from its command-line flags and `BENCH_*` settings. */
export function benchOptions(argv: readonly string[], env: NodeJS.ProcessEnv, root: string): BenchOptions {
  const { values } = settings(argv, env);
  const number = (key: string, fallback: number): number => {
    const value = Number(values[key] ?? fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${key} must be a number ≥ 0, not ${values[key]}`);
    return value;
  };
  const only = (values.BENCH_ONLY ?? SCENARIO_NAMES.join(',')).split(',').map((name) => name.trim());
  const unknown = only.filter((name) => !(SCENARIO_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--only takes ${SCENARIO_NAMES.join(', ')}; not ${unknown.join(', ')}`);
  const records = number('BENCH_RECORDS', 10_000);
  return {
    only: new Set(only as ScenarioName[]),
    outDir: resolve(root, values.BENCH_OUT ?? '.bench'),
    parallel: values.BENCH_PARALLEL === 'true',
    records,
    naiveRecords: number('BENCH_NAIVE_RECORDS', Math.min(1000, records)),
    latencyMs: number('BENCH_LATENCY_MS', 20),
    seed: {
      events: number('BENCH_SEED_EVENTS', 100_000),
      naiveSample: number('BENCH_SEED_SAMPLE', 200),
      requestsPerSecond: number('BENCH_SEED_RPS', 10),
      salesforceLatencyMs: number('BENCH_SEED_LATENCY_MS', 100),
    },
    ingress: {
      requests: number('BENCH_INGRESS_REQUESTS', 2000),
      connections: number('BENCH_INGRESS_CONNECTIONS', 16),
    },
    budget: {
      dailyLimit: number('BENCH_BUDGET_DAILY', 2000),
      alreadyUsed: number('BENCH_BUDGET_USED', 1990),
      records: number('BENCH_BUDGET_RECORDS', 20_000),
      guardPercent: number('BENCH_BUDGET_GUARD_PERCENT', 95),
      seconds: number('BENCH_BUDGET_SECONDS', 60),
    },
    usageUsers: number('BENCH_USAGE_USERS', 1_000_000),
    coldStart: { imports: number('BENCH_COLD_START_IMPORTS', 7) },
  };
}

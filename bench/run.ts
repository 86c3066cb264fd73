/**
 * `npm run bench`: the request economy of the hub against the sandbox emulators, beside a naive
 * one-call-per-record relay on the same emulators in the same run. Scenarios (README, "Request
 * economy"): relay, seed, ingress, budget, usage, cold-start; `--only seed,budget` runs some. Sizes come from
 * `BENCH_*` settings or the same flags (`BENCH_SEED_EVENTS=500` or `--seed-events 500`). Progress
 * goes to stderr, a markdown table per scenario to stdout, and JSON plus an SVG chart of
 * throughput and budget over time to `.bench/` (or `--out DIR`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { timelineChart } from './chart.js';
import { benchOptions, SCENARIO_NAMES, type ScenarioName } from './options.js';
import { markdownTable, type ScenarioReport } from './report.js';

const root = resolve(import.meta.dirname, '..');
const flags = process.argv.slice(2);
const options = benchOptions(flags, process.env, root);
const startedAt = new Date().toISOString();
const stamp = startedAt.replace(/[:.]/g, '-');
mkdirSync(options.outDir, { recursive: true });

/** Runs one scenario in a child process (its progress on this stderr) and reads its report. */
async function runScenario(name: ScenarioName): Promise<ScenarioReport> {
  const reportFile = join(options.outDir, `.${stamp}-${name}.json`);
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      '--import',
      'tsx',
      join(root, 'bench/scenario-process.ts'),
      name,
      reportFile,
      ...flags,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      // The scenario imports the hub's modules before it starts the hub: their logger reads this first.
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    },
  );
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`The ${name} scenario exited with ${code}`);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ScenarioReport;
  rmSync(reportFile);
  return report;
}

const names = SCENARIO_NAMES.filter(
  (name) => options.only.has(name) && !(name === 'usage' && options.usageUsers === 0),
);
const printed = (name: ScenarioName, report: ScenarioReport): ScenarioReport => {
  process.stdout.write(`\n### ${name}\n\n${report.table.join('\n')}\n`);
  return report;
};
const reports: ScenarioReport[] = [];
if (options.parallel) {
  const all = await Promise.all(names.map((name) => runScenario(name)));
  all.forEach((report, i) => reports.push(printed(names[i] as ScenarioName, report)));
} else {
  // Each table as soon as its scenario ends, so a long run shows its figures early.
  for (const name of names) reports.push(printed(name, await runScenario(name)));
}

const goals = reports.flatMap((report) => report.goals);
if (goals.length > 0)
  process.stdout.write(
    `\n### goals\n\n${markdownTable(
      ['goal', 'measured', 'met'],
      goals.map((goal) => [goal.goal, goal.measured, goal.met ? 'yes' : 'no']),
    ).join('\n')}\n`,
  );

const environment = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  latencyMs: options.latencyMs,
  sizes: {
    records: options.records,
    naiveRecords: options.naiveRecords,
    seed: options.seed,
    ingress: options.ingress,
    budget: options.budget,
    usageUsers: options.usageUsers,
  },
};
const jsonPath = join(options.outDir, `bench-${stamp}.json`);
const svgPath = join(options.outDir, `bench-${stamp}.svg`);
const timelines = reports.flatMap((report) => report.timelines);
writeFileSync(
  jsonPath,
  `${JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), environment, reports, goals }, null, 2)}\n`,
);
writeFileSync(
  svgPath,
  timelineChart(timelines, `Switchboard bench ${startedAt}: ${environment.cores} cores, Node ${process.version}`),
);
process.stdout.write(`\nJSON: ${jsonPath}\nSVG: ${svgPath}\n`);

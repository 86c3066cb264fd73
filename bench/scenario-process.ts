/**
 * One scenario of `npm run bench` in a process of its own: `scenario-process.ts NAME REPORT_FILE
 * [flags]`. The local hub loads its HTTP functions into the process that starts it, and modules load
 * once, so a second hub in the same process would serve with the first one's clients; a process per
 * scenario also keeps each scenario's memory and leftover work its own.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { budgetScenario } from './budget.js';
import { coldStartScenario } from './cold-start-scenario.js';
import type { BenchContext } from './harness.js';
import { ingressScenario } from './ingress.js';
import { benchOptions, SCENARIO_NAMES, type ScenarioName } from './options.js';
import { Progress } from './progress.js';
import { relayScenario } from './relay.js';
import type { ScenarioReport } from './report.js';
import { seedScenario } from './seed.js';
import { usageScenario } from './usage-scenario.js';

const scenarios: Record<ScenarioName, (context: BenchContext) => Promise<ScenarioReport>> = {
  relay: relayScenario,
  seed: seedScenario,
  ingress: ingressScenario,
  budget: budgetScenario,
  usage: usageScenario,
  'cold-start': coldStartScenario,
};

const [name, reportFile, ...flags] = process.argv.slice(2);
if (!(SCENARIO_NAMES as readonly (string | undefined)[]).includes(name) || reportFile === undefined)
  throw new Error(`Usage: scenario-process.ts ${SCENARIO_NAMES.join('|')} REPORT_FILE [flags]`);
const options = benchOptions(flags, process.env, resolve(import.meta.dirname, '..'));
const progress = new Progress();
try {
  const report = await scenarios[name as ScenarioName]({ options, progress });
  writeFileSync(reportFile, JSON.stringify(report));
} finally {
  progress.stop();
}
// Emulator keep-alive sockets and worker threads are stopped; nothing else is owed.
process.exit(0);

/**
 * Scenario `cold-start`: per function, its zip, its bundle and the median fresh import of the
 * bundle, as AWS would start it; beside them, the prescribed dependencies each bundled and imported
 * alone, the floor no function that needs one of them can go under on this machine.
 */
import { loadavg } from 'node:os';
import { FLOOR_ENTRIES, measureColdStarts } from './cold-start.js';
import type { BenchContext } from './harness.js';
import { markdownTable, type ScenarioReport } from './report.js';

const MB = 1024 * 1024;
const IMPORT_GOAL_MS = 100;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

export async function coldStartScenario({ options, progress }: BenchContext): Promise<ScenarioReport> {
  const { imports } = options.coldStart;
  const tracker = progress.track('cold-start: functions measured', 1, 'steps');
  const { functions, floors } = await measureColdStarts({
    imports,
    floors: FLOOR_ENTRIES,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  tracker.update(1);
  tracker.stop();
  // Import times grow with whatever else the machine runs: the table says how busy it was.
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(', ');
  const largest = Math.max(...functions.map((fn) => fn.zipBytes));
  const slowest = Math.max(...functions.map((fn) => fn.importMs));
  return {
    name: 'cold-start',
    table: [
      ...markdownTable(
        ['function', 'zip', 'bundle', `median fresh import, ms (of ${imports})`],
        functions.map((fn) => [fn.name, kb(fn.zipBytes), kb(fn.bundleBytes), Math.round(fn.importMs)]),
      ),
      '',
      ...markdownTable(
        ['dependency alone, bundled as the functions are (floor)', 'median fresh import, ms'],
        floors.map((floor) => [floor.name, Math.round(floor.importMs)]),
      ),
      '',
      `Load average while measuring (1, 5, 15 min): ${load}`,
    ],
    figures: { imports, functions, floors, loadAverage: loadavg() },
    timelines: [],
    goals: [
      { goal: 'every function zip ≤ 1 MB', measured: `largest ${kb(largest)}`, met: largest <= MB },
      {
        goal: `every function's fresh import ≤ ${IMPORT_GOAL_MS} ms`,
        measured: `slowest ${Math.round(slowest)} ms`,
        met: slowest <= IMPORT_GOAL_MS,
      },
    ],
  };
}

/**
 * `npm run bench:cold-start`: packages the service (offline) and prints, per function, its zip and
 * bundle sizes and the median time a fresh Node 22 process takes to import its handler bundle.
 */
import { loadavg } from 'node:os';
import { measureColdStarts } from './cold-start.js';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
const results = await measureColdStarts({ progress: (line) => console.error(line) });
const rows = [
  ['Function', 'Zip', 'Bundle', 'Import (ms, median)'],
  ...results.map((result) => [result.name, kb(result.zipBytes), kb(result.bundleBytes), result.importMs.toFixed(0)]),
];
const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
const [header = [], ...body] = rows;
console.log([line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n'));
// Import times grow with whatever else the machine runs: say how busy it was.
console.log(
  `Load average (1, 5, 15 min): ${loadavg()
    .map((load) => load.toFixed(1))
    .join(', ')}`,
);

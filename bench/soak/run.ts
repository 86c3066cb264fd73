/**
 * `npm run soak -- [flags]`: mixed tickets and acceptances through the local hub while the
 * sandbox injects faults, a consumer slot crashes and the hub is killed and restarted; prints
 * what was sent, accepted, written, dead-lettered and lost. Exits 1 if anything was lost or
 * duplicated, a Case ended in an older state, or a message was dead-lettered other than by
 * design. `--help` lists the flags.
 */
import { parseSoakArgs, usage } from './options.js';
import { runSoak, type SoakResult } from './soak.js';

let options;
try {
  options = parseSoakArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage()}\n`);
  process.exit(2);
}
const result = await runSoak(options, (line) => process.stderr.write(`soak: ${line}\n`));
process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : render(result));
const { report } = result;
const failed = report.lost + report.duplicates + report.staleCases + report.unexpectedDeadLetters > 0;
process.exit(failed ? 1 : 0);

function render({ report, faults, deadLetters, seconds, logFile }: SoakResult): string {
  const reasons = Object.entries(report.deadLetteredByReason).map(([code, n]) => `${code} ${n}`);
  const examples = [...new Map(deadLetters.map((letter) => [letter.reasonCode, letter])).values()].map(
    (letter) => `    ${letter.reasonCode}: ${letter.reason.slice(0, 160)}`,
  );
  return [
    `Soak finished in ${seconds.toFixed(0)} s`,
    `  faults: Salesforce outage ${faults.outage ? `${faults.outage.from} → ${faults.outage.to}` : 'none'}, ` +
      `${faults.mixpanelBursts} Mixpanel 429 bursts, ${faults.tokenRevocations} token revocations, ` +
      `slot crash every ${faults.crashEvery || '—'} invocations (${faults.slotCrashes} crashed), ` +
      `hub killed and restarted: ${faults.killedAndRestarted}`,
    '',
    `  sent          ${report.sent}`,
    `  accepted      ${report.accepted}${report.refused ? `   (refused ${report.refused})` : ''}`,
    `  written       ${report.written}`,
    `  events        ${report.events}`,
    `  duplicates    ${report.duplicates}`,
    `  stale cases   ${report.staleCases}`,
    `  dead-lettered ${report.deadLettered}${reasons.length ? ` (${reasons.join(', ')})` : ''}` +
      `; unexpected ${report.unexpectedDeadLetters}`,
    ...examples,
    `  lost          ${report.lost}${report.lostKeys.length ? `: ${report.lostKeys.join(', ')}` : ''}`,
    '',
    `  hub log: ${logFile}`,
    '',
  ].join('\n');
}

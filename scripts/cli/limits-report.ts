import type { ApiBudgets, PauseStanding } from '../../lib/clients/api-budgets.js';
import type { DailyApiRequests } from '../../lib/clients/salesforce/org-limits.js';

/** What `--live` got: the org's own figure, or why there is none. */
export type LiveFigure = { dailyApiRequests: DailyApiRequests } | { error: string };

const line = (label: string, value: string): string => `  ${label.padEnd(24)} ${value}\n`;
const count = (value: number): string => value.toLocaleString('en-US');

/** `switchboard limits` as text: one block per API, then what calls for attention. */
export function renderLimits(budgets: ApiBudgets, live?: LiveFigure): string {
  const sf = budgets.salesforce;
  let text = `API budgets at ${budgets.at}\n\nSalesforce${sf.org ? ` (${sf.org})` : ''}\n`;
  if (!sf.org) text += line('ledger', 'SALESFORCE_LOGIN_URL is not set: the ledger cannot be found');
  text += line(
    'last Sforce-Limit-Info',
    sf.observed ? `${count(sf.observed.used)}/${count(sf.observed.max)} at ${sf.observed.at}` : 'none recorded yet',
  );
  text += line('reserved', `${count(sf.reservedCalls)} calls, ${sf.reservedSinceObserved ?? 0} since that answer`);
  if (sf.caps) {
    const percent = sf.usedPercent === undefined ? '' : ` (${sf.usedPercent} %)`;
    text += line('estimate', `${count(sf.estimate ?? 0)} of ${count(sf.caps.interactive)}${percent}`);
    text += line('interactive cap', `${count(sf.caps.interactive)}`);
    text += line('sync cap (guard)', `${count(sf.caps.sync)} (${sf.guardPercent} %)${sf.overGuard ? ': reached' : ''}`);
  } else text += line('caps', `known after the first answer (guard ${sf.guardPercent} %)`);
  text += line('SALESFORCE_DAILY_BUDGET', sf.dailyBudget === undefined ? 'not set' : count(sf.dailyBudget));
  text += line(
    'paused',
    sf.paused ? `until ${sf.pausedUntil} (${sf.pauseReason ?? ''}, ${sf.remainingSeconds} s left)` : 'no',
  );
  text += line('last probe', `${sf.lastProbeAt ?? 'never'} (one per ${sf.probeSeconds} s while spent)`);
  if (live && 'error' in live) text += line("org's own figure", `not read: ${live.error}`);
  else if (live) {
    const { used, max, remaining } = live.dailyApiRequests;
    const figure = `${count(used)}/${count(max)}, ${count(remaining)} remaining`;
    text += line("org's own figure", `${figure} (GET /limits: this cost one API call)`);
  }
  text += pauseBlock('Mixpanel', budgets.mixpanel, budgets.mixpanel.limit);
  text += pauseBlock('Zendesk', budgets.zendesk, budgets.zendesk.limit);
  text += budgets.problems.length === 0 ? '\nAll within limits.\n' : `\nProblems:\n`;
  for (const problem of budgets.problems) text += `  - ${problem}\n`;
  return text;
}

function pauseBlock(name: string, pause: PauseStanding, limit: string): string {
  const state = pause.paused ? `until ${pause.pausedUntil} (${pause.remainingSeconds} s left)` : 'no';
  return (
    `\n${name}\n` +
    line('paused', state) +
    line('consecutive 429s', String(pause.consecutive429s)) +
    line('documented limit', limit)
  );
}

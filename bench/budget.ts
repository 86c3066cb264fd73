import { budgetUsedPercent, startBenchHub, type BenchContext } from './harness.js';
import { postTicketsFromWorker } from './load.js';
import { markdownTable, type ScenarioReport } from './report.js';
import { counts, workQueueDepth } from './tickets.js';
import { TimelineSampler } from './timeline.js';

/**
 * Scenario 4: more ticket work than a small daily Salesforce budget allows (with part of it already
 * spent), for a bounded time: how much of the budget the hub uses and how many rate-limit answers
 * (Salesforce 403 REQUEST_LIMIT_EXCEEDED, Mixpanel and Zendesk 429) it gets.
 */
export async function budgetScenario({ options, progress }: BenchContext): Promise<ScenarioReport> {
  const { dailyLimit, alreadyUsed, records, guardPercent, seconds } = options.budget;
  const bench = await startBenchHub({
    latencyMs: options.latencyMs,
    // The shared budget ledger reads SALESFORCE_DAILY_BUDGET; the usage sync already reads the guard.
    env: { SALESFORCE_DAILY_BUDGET: String(dailyLimit), SALESFORCE_BUDGET_GUARD_PERCENT: String(guardPercent) },
  });
  const { hub, mixpanel, salesforce, contacts } = bench;
  salesforce.setDailyApiLimit(dailyLimit);
  salesforce.setApiUsage(alreadyUsed);
  const before = mixpanel.stats().importedRecords;
  const relayed = (): number => mixpanel.stats().importedRecords - before;
  const sampler = new TimelineSampler('budget', () => ({
    records: relayed(),
    budgetUsedPercent: budgetUsedPercent(bench),
  }));
  const tracker = progress.track('budget: relayed', records);
  const started = performance.now();
  let drained = false;
  try {
    const load = postTicketsFromWorker(
      { url: `${hub.url}/webhooks/zendesk`, firstTicketId: 1, count: records, concurrency: 32, contacts },
      () => tracker.update(relayed()),
    );
    await load;
    // The bound starts once every ticket is accepted, so that a slow ingress leaves the consumers their time.
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      tracker.update(relayed());
      if (relayed() >= records && (await workQueueDepth(hub)) === 0) {
        drained = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    tracker.stop();
  }
  const timeline = sampler.stop();
  const calls = counts(bench.sandbox);
  const usage = salesforce.apiUsage();
  const elapsed = (performance.now() - started) / 1000;
  await bench.stop();
  const usedPercent = (100 * usage.used) / usage.max;
  const limited = calls.rateLimited.salesforce + calls.rateLimited.mixpanel + calls.rateLimited.zendesk;
  const figures = {
    dailyLimit,
    alreadyUsed,
    guardPercent,
    records,
    relayed: relayed(),
    drained,
    seconds: elapsed,
    budgetUsed: usage.used,
    budgetUsedPercent: usedPercent,
    salesforceCalls: calls.salesforce,
    rateLimited: calls.rateLimited,
  };
  return {
    name: 'budget',
    table: [
      ...markdownTable(
        [
          'budget',
          'tickets sent',
          'relayed',
          'seconds',
          'budget used',
          'Salesforce 403',
          'Mixpanel 429',
          'Zendesk 429',
        ],
        [
          [
            `${alreadyUsed} of ${dailyLimit} used at start${drained ? '' : ', not drained in time'}`,
            records,
            relayed(),
            elapsed,
            `${usage.used} / ${usage.max} (${usedPercent.toFixed(1)} %)`,
            calls.rateLimited.salesforce,
            calls.rateLimited.mixpanel,
            calls.rateLimited.zendesk,
          ],
        ],
      ),
      '',
      `SALESFORCE_DAILY_BUDGET=${dailyLimit}, SALESFORCE_BUDGET_GUARD_PERCENT=${guardPercent}; ` +
        `stopped at most ${seconds} s after the last ticket was accepted.`,
    ],
    figures,
    timelines: [timeline],
    goals: [
      {
        goal: 'budget: 0 rate-limit answers at ≥ 90 % of the daily budget used, with more work than it allows',
        measured:
          `${limited} rate-limit answers at ${usedPercent.toFixed(1)} %; ` +
          (drained ? 'all the work fitted in the budget' : 'the work exceeded the budget'),
        // Only a run whose work did not fit shows how the hub behaves at the limit.
        met: limited === 0 && usedPercent >= 90 && !drained,
      },
    ],
  };
}

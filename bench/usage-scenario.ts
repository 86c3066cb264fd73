import type { BenchContext } from './harness.js';
import { markdownTable, type ScenarioReport } from './report.js';
import { benchUsageNights } from './usage-night.js';

/**
 * Scenario 6: the nightly usage sync, through `npm start` as a child process so that its peak
 * memory is its own; one account per 20 users.
 */
export async function usageScenario({ options, progress }: BenchContext): Promise<ScenarioReport> {
  const users = options.usageUsers;
  const usage = await benchUsageNights({
    users,
    accounts: Math.max(4, Math.round(users / 20)),
    changedShare: 0.05,
    progress: (line) => progress.note(`usage: ${line}`),
  });
  return {
    name: 'usage',
    table: [
      ...markdownTable(
        [
          'usage night',
          'users',
          'status',
          'seconds',
          'Salesforce calls',
          'Mixpanel calls',
          'profile updates sent',
          'group updates sent',
        ],
        usage.nights.map((night) => [
          night.name,
          night.users,
          night.status,
          night.seconds,
          night.salesforceCalls,
          night.mixpanelCalls,
          `${night.profileUpdatesSent} (${((100 * night.profileUpdatesSent) / night.users).toFixed(1)} %)`,
          night.groupUpdatesSent,
        ]),
      ),
      '',
      `Peak RSS of the local hub (npm start, every function in it): ${usage.hubPeakRssMb} MB.`,
    ],
    figures: { ...usage },
    timelines: [],
    goals: [],
  };
}

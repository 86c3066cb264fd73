import type { ScenarioName } from './options.js';
import type { ScenarioResult } from './tickets.js';
import type { Timeline } from './timeline.js';

/** A goal of the issue, and how this run measured against it. */
export interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean;
}

/** What a scenario hands to the runner: its markdown table, its figures for the JSON, its timelines. */
export interface ScenarioReport {
  name: ScenarioName;
  /** Markdown lines for stdout. */
  table: string[];
  figures: Record<string, unknown>;
  timelines: Timeline[];
  goals: GoalCheck[];
}

/** Calls per 1,000 records. */
export const per1000 = (calls: number, records: number): number => (records > 0 ? (calls * 1000) / records : 0);

/** A markdown table of `rows` under `header`, numbers right-aligned. */
export function markdownTable(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string[] {
  const align = header.map((_, i) => (typeof rows[0]?.[i] === 'number' ? '---:' : '---'));
  const cell = (value: string | number): string =>
    typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(1)) : value;
  return [
    `| ${header.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

/** The rate-limit answers of a result, all APIs together. */
export const rateLimited = (result: ScenarioResult): number =>
  result.calls.rateLimited.salesforce + result.calls.rateLimited.mixpanel + result.calls.rateLimited.zendesk;

/** The table of calls per 1,000 records for relay results. */
export function relayTable(results: readonly ScenarioResult[]): string[] {
  return markdownTable(
    [
      'scenario',
      'records',
      'Salesforce calls',
      'per 1,000',
      'Mixpanel calls',
      'per 1,000',
      'Zendesk calls',
      'rate-limit answers',
      'seconds',
      'records/s',
    ],
    results.map((r) => [
      r.name,
      r.records,
      r.calls.salesforce,
      per1000(r.calls.salesforce, r.records),
      r.calls.mixpanel,
      per1000(r.calls.mixpanel, r.records),
      r.calls.zendesk,
      rateLimited(r),
      r.seconds,
      r.records / r.seconds,
    ]),
  );
}

/** The call-economy goal for one hub flow: at most 6 Salesforce calls and 1 Mixpanel call per 1,000 records. */
export function economyGoal(result: ScenarioResult): GoalCheck {
  const salesforce = per1000(result.calls.salesforce, result.records);
  const mixpanel = per1000(result.calls.mixpanel, result.records);
  return {
    goal: `${result.name}: ≤ 6 Salesforce and ≤ 1 Mixpanel calls per 1,000 records`,
    measured: `${salesforce.toFixed(1)} Salesforce, ${mixpanel.toFixed(1)} Mixpanel per 1,000`,
    met: salesforce <= 6 && mixpanel <= 1,
  };
}

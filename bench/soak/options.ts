import { parseArgs } from 'node:util';

/** What a soak run sends and which faults it injects; every value is a flag of `npm run soak`. */
export interface SoakOptions {
  tickets: number;
  acceptances: number;
  /** Share of tickets that are solved later, a second change of the same ticket. */
  solvedShare: number;
  /** Share of posts sent twice, as a webhook redelivery would. */
  replayShare: number;
  /** Acceptance ids posted a second time with different evidence: the designed poison. */
  conflicts: number;
  salesforceErrorRate: number;
  /** A Salesforce outage (every call 503) of this many seconds, starting a third into the load. */
  outageSeconds: number;
  /** Mixpanel answers 429 to everything for this many seconds in every 15 s. */
  mixpanel429Seconds: number;
  /** Salesforce revokes every issued token this often (0: never). */
  tokenRevokeSeconds: number;
  /** The local runtime kills a consumer slot mid-batch every N-th invocation (0: never). */
  crashEvery: number;
  /** Share of the load after which the whole hub is killed with SIGKILL and restarted (0: never). */
  killAt: number;
  /** The work queues' visibility timeout: how long the messages of a crashed slot stay hidden. */
  visibilitySeconds: number;
  concurrency: number;
  deadlineMinutes: number;
  json: boolean;
}

export const DEFAULT_SOAK: SoakOptions = {
  tickets: 10_000,
  acceptances: 2_000,
  solvedShare: 0.2,
  replayShare: 0.05,
  conflicts: 20,
  salesforceErrorRate: 0.1,
  outageSeconds: 120,
  mixpanel429Seconds: 5,
  tokenRevokeSeconds: 30,
  crashEvery: 25,
  killAt: 0.5,
  visibilitySeconds: 30,
  concurrency: 16,
  deadlineMinutes: 30,
  json: false,
};

const NUMBER_FLAGS = [
  'tickets',
  'acceptances',
  'solvedShare',
  'replayShare',
  'conflicts',
  'salesforceErrorRate',
  'outageSeconds',
  'mixpanel429Seconds',
  'tokenRevokeSeconds',
  'crashEvery',
  'killAt',
  'visibilitySeconds',
  'concurrency',
  'deadlineMinutes',
] as const;

const kebab = (name: string): string => name.replace(/[A-Z]|(?<![0-9])[0-9]+/g, (part) => `-${part.toLowerCase()}`);

/** Reads `--tickets 500 --outage-seconds 10 …`; an unknown flag or a bad number throws naming it. */
export function parseSoakArgs(argv: readonly string[]): SoakOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...Object.fromEntries(NUMBER_FLAGS.map((name) => [kebab(name), { type: 'string' as const }])),
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) throw new Error(usage());
  const options: SoakOptions = { ...DEFAULT_SOAK, json: values.json === true };
  for (const name of NUMBER_FLAGS) {
    const raw = (values as Record<string, string | boolean | undefined>)[kebab(name)];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${kebab(name)} must be a number ≥ 0, not ${raw}`);
    options[name] = value;
  }
  return options;
}

export function usage(): string {
  const flags = NUMBER_FLAGS.map((name) => `  --${kebab(name)} <n>   (default ${DEFAULT_SOAK[name]})`);
  return ['Usage: npm run soak -- [flags]', ...flags, '  --json   print the report as JSON'].join('\n');
}

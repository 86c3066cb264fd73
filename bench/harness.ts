import { resolve } from 'node:path';
import { startHub, type RunningHub } from '../local/hub.js';
import { SANDBOX_TERMS_WEBHOOK_SECRET, startSandbox, type Sandbox } from '../sandbox/launch.js';
import { batchingWindowCap, type BenchOptions } from './options.js';
import type { Progress } from './progress.js';
import { emulators, type Contact, type Emulators } from './tickets.js';

const root = resolve(import.meta.dirname, '..');

/** What every scenario gets: the options and the progress display. */
export interface BenchContext {
  options: BenchOptions;
  progress: Progress;
}

/** A fresh sandbox and local hub for one scenario, with seeded Accounts and Contacts. */
export interface BenchHub extends Emulators {
  sandbox: Sandbox;
  hub: RunningHub;
  contacts: Contact[];
  stop(): Promise<void>;
}

/**
 * Starts the emulators and the hub in this process (its consumers run in worker threads of their
 * own, as `npm start` runs them), every emulated call (and each composite subrequest) taking
 * `latencyMs`. Each scenario starts its own, so none inherits another's queues, state or API usage.
 */
export async function startBenchHub(options: {
  latencyMs: number;
  consumersPaused?: boolean;
  env?: Record<string, string>;
}): Promise<BenchHub> {
  const sandbox = await startSandbox();
  const found = emulators(sandbox);
  const contacts = found.salesforce.seedAccountsWithContacts({ accounts: 400, contactsPerAccount: 5 }).contacts;
  for (const emulator of [found.salesforce, found.mixpanel, found.zendesk]) emulator.setLatency(options.latencyMs);
  // Salesforce runs a composite call's subrequests in turn: each after the first costs a call's time again.
  found.salesforce.setCompositeSubrequestTime(options.latencyMs);
  try {
    const hub = await startHub({
      root,
      consumersPaused: options.consumersPaused ?? false,
      maxBatchingWindowSeconds: batchingWindowCap(process.env),
      env: {
        ...sandbox.env,
        TERMS_WEBHOOK_SECRET: SANDBOX_TERMS_WEBHOOK_SECRET,
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        ...options.env,
      },
    });
    return {
      ...found,
      sandbox,
      hub,
      contacts,
      stop: async () => {
        await hub.stop();
        await sandbox.stop();
      },
    };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}

/** Share (%) of the emulated org's daily API requests used. */
export function budgetUsedPercent(bench: Emulators): number {
  const usage = bench.salesforce.apiUsage();
  return usage.max > 0 ? (100 * usage.used) / usage.max : 0;
}

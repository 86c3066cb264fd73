import { SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCAL_AWS_CREDENTIALS } from '../../local/local-credentials.js';
import { SANDBOX_TERMS_WEBHOOK_SECRET, startSandbox } from '../../sandbox/launch.js';
import { emulators } from '../tickets.js';
import { startFaults, type FaultLog } from './faults.js';
import { freePort, HubProcess } from './hub-process.js';
import { deliver, planLoad, type PostTally } from './load.js';
import type { SoakOptions } from './options.js';
import { backlog, deadLetters, tally, type DeadLetter, type SoakReport } from './tally.js';

export interface SoakResult {
  report: SoakReport;
  faults: FaultLog & { crashEvery: number; slotCrashes: number; killedAndRestarted: boolean };
  deadLetters: DeadLetter[];
  seconds: number;
  logFile: string;
}

/**
 * Runs the hub as `npm start` does, in a child process over durable local queues, against the
 * sandbox emulators held here; posts the planned load while faults are injected, kills the hub
 * with SIGKILL part-way and starts it again, waits for the queues to drain, then counts effects.
 */
export async function runSoak(options: SoakOptions, progress: (line: string) => void = () => undefined) {
  const started = Date.now();
  const deadline = started + options.deadlineMinutes * 60_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-soak-'));
  const logFile = join(dataDir, 'hub.log');
  const sandbox = await startSandbox();
  const { salesforce, mixpanel } = emulators(sandbox);
  const contacts = salesforce.seedAccountsWithContacts({ accounts: 50, contactsPerAccount: 20 }).contacts;
  const hub = new HubProcess(
    {
      ...sandbox.env,
      TERMS_WEBHOOK_SECRET: SANDBOX_TERMS_WEBHOOK_SECRET,
      SWITCHBOARD_DATA_DIR: dataDir,
      SANDBOX_DEMO_DATA: 'false',
      LOCAL_SLOT_CRASH_EVERY: String(options.crashEvery),
      LOCAL_QUEUE_VISIBILITY_SECONDS: String(options.visibilitySeconds),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    { hub: await freePort(), sqs: await freePort(), dynamoDb: await freePort() },
    logFile,
  );
  const sqs = new SQSClient({ endpoint: hub.sqsEndpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
  const { posts, expect } = planLoad(options, contacts);
  const postTally: PostTally = { sent: 0, accepted: 0, refused: [] };
  let faults: ReturnType<typeof startFaults> | undefined;
  let killed = false;
  try {
    await hub.start();
    const outageFrom = Date.now() + 5_000;
    faults = startFaults(options, { salesforce, mixpanel }, outageFrom);
    const killAfter = options.killAt > 0 ? Math.floor(posts.length * options.killAt) : Infinity;
    let done = 0;
    let restarting: Promise<void> | undefined;
    const work = posts.values();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (const post of work) {
          await deliver(() => hub.url, post, postTally, deadline);
          done += 1;
          if (done % 1000 === 0) progress(`posted ${done}/${posts.length}`);
          if (done >= killAfter && !killed) {
            killed = true;
            progress('killing the hub with SIGKILL, then starting it again');
            restarting = hub.kill().then(() => hub.start());
          }
        }
      }),
    );
    await restarting;
    progress('all posts accepted; draining the queues with the faults still on');
    const outageEnds = outageFrom + options.outageSeconds * 1000;
    if (Date.now() < outageEnds) await sleep(outageEnds - Date.now());
    await drain(sqs, deadline, progress);
    faults.stop();
    await drain(sqs, deadline, progress);
    const dead = await deadLetters(sqs);
    const report = tally(expect, { salesforce, mixpanel }, dead, {
      sent: postTally.sent,
      accepted: postTally.accepted,
      refused: postTally.refused.length,
    });
    return {
      report,
      faults: {
        ...faults.log,
        crashEvery: options.crashEvery,
        slotCrashes: slotCrashes(logFile),
        killedAndRestarted: killed,
      },
      deadLetters: dead,
      seconds: (Date.now() - started) / 1000,
      logFile,
    } satisfies SoakResult;
  } finally {
    faults?.stop();
    await hub.stop();
    sqs.destroy();
    await sandbox.stop();
    if (process.env.SOAK_KEEP_DATA !== 'true') rmSync(join(dataDir, 'queues'), { recursive: true, force: true });
  }
}

/** Waits until the work queues stay empty for a few seconds in a row. */
async function drain(sqs: SQSClient, deadline: number, progress: (line: string) => void): Promise<void> {
  let emptySince: number | undefined;
  let lastReport = 0;
  while (Date.now() < deadline) {
    const waiting = await backlog(sqs);
    if (waiting === 0) {
      emptySince ??= Date.now();
      if (Date.now() - emptySince > 3_000) return;
    } else emptySince = undefined;
    if (Date.now() - lastReport > 10_000) {
      progress(`${waiting} messages waiting or in flight`);
      lastReport = Date.now();
    }
    await sleep(500);
  }
  throw new Error('The queues did not drain before the deadline');
}

/** Slots the hub killed mid-invocation, as its per-batch lines report them. */
function slotCrashes(logFile: string): number {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => / batch of \d+: crashed,/.test(line)).length;
}

import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createS3Client } from '../lib/clients/s3.js';
import { DynamoStateStore } from '../lib/clients/state-store.js';
import { UsageRuns, type UsageRun } from '../lib/usage/sync/runs.js';
import { LOCAL_AWS_CREDENTIALS } from '../local/local-credentials.js';
import { readHubDefinition } from '../local/serverless-definition.js';
import { seedUsageAccounts, writeUsageExport } from '../sandbox/app/index.js';
import { startSandbox } from '../sandbox/launch.js';
import { freePort, HubProcess } from './soak/hub-process.js';

export interface UsageNightOptions {
  users: number;
  accounts: number;
  /** The second night's share of changed users. */
  changedShare: number;
  progress?: (line: string) => void;
}

export interface UsageNightResult {
  name: string;
  users: number;
  /** From the planner's invocation to the last Mixpanel update delivered. */
  seconds: number;
  salesforceCalls: number;
  mixpanelCalls: number;
  profileUpdatesSent: number;
  groupUpdatesSent: number;
  status: string;
}

const AS_OF = Date.parse('2026-12-01T02:00:00Z');

/**
 * The nightly usage sync at full size through `npm start` as a child process (so its peak RSS is
 * its own), with the Salesforce and Mixpanel emulators here: a first night where every profile is
 * new, then a night where `changedShare` of the users changed.
 */
export async function benchUsageNights(
  options: UsageNightOptions,
): Promise<{ nights: UsageNightResult[]; hubPeakRssMb: number }> {
  const progress = options.progress ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-usage-bench-'));
  const sandbox = await startSandbox({ only: ['salesforce', 'mixpanel'] });
  const { salesforce, mixpanel } = sandbox;
  if (!salesforce || !mixpanel) throw new Error('the sandbox did not start its emulators');
  salesforce.setDailyApiLimit(10_000_000);
  const night = { users: options.users, accounts: options.accounts, asOf: AS_OF, seed: 11 };
  progress(`seeding ${options.accounts} Accounts`);
  seedUsageAccounts(salesforce, night);
  const ports = { hub: await freePort(), sqs: await freePort(), dynamoDb: await freePort() };
  const hub = new HubProcess(
    {
      ...sandbox.env,
      SWITCHBOARD_DATA_DIR: dataDir,
      SANDBOX_DEMO_DATA: 'false',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    ports,
    join(dataDir, 'hub.log'),
  );
  const clients = { region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS };
  // The S3 client takes its credentials from the usual chain: the local S3 checks none.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
  });
  const s3 = createS3Client({ endpoint: hub.sqsEndpoint, region: 'us-east-1' });
  const sqs = new SQSClient({ ...clients, endpoint: hub.sqsEndpoint });
  const lambda = new LambdaClient({ ...clients, endpoint: hub.url });
  const runs = new UsageRuns(
    DynamoStateStore.create({ tableName: 'switchboard-local-state', endpoint: `http://127.0.0.1:${ports.dynamoDb}` }),
  );
  // The export bucket as npm start names it from serverless.yml.
  const exportBucket = readHubDefinition(resolve(import.meta.dirname, '../serverless.yml'), {
    stage: 'local',
    region: 'us-east-1',
    env: process.env,
  }).buckets.find((bucket) => bucket.logicalId === 'UsageExportBucket')?.name;
  if (!exportBucket) throw new Error('serverless.yml declares no UsageExportBucket');
  const nights: UsageNightResult[] = [];
  try {
    await hub.start(120_000);
    for (const [name, changedShare] of [
      ['usage: first night, every profile new', 0],
      [`usage: ${options.changedShare * 100} % of users changed`, options.changedShare],
    ] as const) {
      progress(`writing the export (${options.users} users, ${changedShare * 100} % changed)`);
      const date = new Date(AS_OF).toISOString().slice(0, 10);
      await writeUsageExport(s3, {
        bucket: exportBucket,
        prefix: `usage/${date}/`,
        format: 'ndjson',
        gzip: true,
        ...night,
        changedShare,
      });
      const before = { sf: salesforce.calls().total, mp: mixpanel.calls().byEndpoint, stats: mixpanel.stats() };
      const started = Date.now();
      const answer = await lambda.send(
        new InvokeCommand({
          FunctionName: 'switchboard-local-usagePlanner',
          Payload: Buffer.from(JSON.stringify({ asOf: new Date(AS_OF).toISOString(), force: true })),
        }),
      );
      const planned = JSON.parse(Buffer.from(answer.Payload ?? []).toString('utf8')) as { runId?: string };
      if (!planned.runId) throw new Error(`the planner did not start a run: ${JSON.stringify(planned)}`);
      const run = await finished(runs, planned.runId, progress);
      await drained(sqs, hub.sqsEndpoint, progress);
      const after = mixpanel.calls().byEndpoint;
      const stats = mixpanel.stats();
      nights.push({
        name,
        users: options.users,
        seconds: (Date.now() - started) / 1000,
        salesforceCalls: salesforce.calls().total - before.sf,
        mixpanelCalls: ['engage', 'groups'].reduce((sum, key) => sum + (after[key] ?? 0) - (before.mp[key] ?? 0), 0),
        profileUpdatesSent: stats.profileUpdates - before.stats.profileUpdates,
        groupUpdatesSent: stats.groupUpdates - before.stats.groupUpdates,
        status: run.status,
      });
    }
    return { nights, hubPeakRssMb: peakRssMb(hub.pid) };
  } finally {
    await hub.stop();
    await sandbox.stop();
  }
}

async function finished(runs: UsageRuns, runId: string, progress: (line: string) => void): Promise<UsageRun> {
  for (let polls = 0; ; polls += 1) {
    const run = await runs.get(runId);
    if (run && run.status !== 'running') return run;
    if (polls % 10 === 0 && run) progress(`run ${runId}: phase ${run.phase}`);
    await sleep(1000);
  }
}

/** Waits until the mixpanel queue holds nothing, waiting or in flight. */
async function drained(sqs: SQSClient, endpoint: string, progress: (line: string) => void): Promise<void> {
  const port = new URL(endpoint).port;
  const url = `http://sqs.us-east-1.localhost:${port}/000000000000/switchboard-local-mixpanel`;
  for (let polls = 0; ; polls += 1) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const left =
      Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
    if (left === 0) return;
    if (polls % 10 === 0) progress(`${left} Mixpanel messages to send`);
    await sleep(500);
  }
}

/** The child's peak resident set (VmHWM), which covers its worker threads. */
function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kb / 1024);
}

import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MixpanelIntent } from '../../../../lib/clients/mixpanel/intents.js';
import { unpack } from '../../../../lib/clients/mixpanel/packs.js';
import type { GroupUpdate, ProfileUpdate } from '../../../../lib/clients/mixpanel/types.js';
import { SalesforceBulkClient } from '../../../../lib/clients/salesforce/bulk-client.js';
import { SalesforceClient } from '../../../../lib/clients/salesforce/client.js';
import { createBudgetLedger } from '../../../../lib/clients/salesforce/config.js';
import { SalesforceSession } from '../../../../lib/clients/salesforce/session.js';
import { UsageSyncState } from '../../../../lib/usage/sync-state.js';
import { UsageChunk } from '../../../../lib/usage/sync/chunks.js';
import type { UsageSyncDeps } from '../../../../lib/usage/sync/deps.js';
import { handleUsageChunk } from '../../../../lib/usage/sync/handle-chunk.js';
import { planUsageRun } from '../../../../lib/usage/sync/plan.js';
import { describeRun } from '../../../../lib/usage/sync/report.js';
import { runChunkIds, UsageRuns, type UsageRun } from '../../../../lib/usage/sync/runs.js';
import { loadUsageSyncConfig } from '../../../../lib/usage/sync/settings.js';
import { RunStaging } from '../../../../lib/usage/sync/staging.js';
import { seedUsageAccounts, startAppEmulator, writeUsageExport } from '../../../../sandbox/app/index.js';
import type { SalesforceEmulator } from '../../../../sandbox/salesforce/index.js';
import { FakeQueueGateway } from '../../../support/fake-queue-gateway.js';
import { FakeStateStore } from '../../../support/fake-state-store.js';
import { startLocalS3, type LocalS3 } from '../../../support/local-s3.js';
import { configFor, startOrg } from '../../clients/salesforce/factories.js';

const AS_OF = Date.parse('2026-12-01T02:00:00Z');
const DAY = '2026-12-01';
const USAGE_QUEUE = 'http://sqs.local/usage';
const MIXPANEL_QUEUE = 'http://sqs.local/mixpanel';
const NIGHT = { users: 400, accounts: 30, asOf: AS_OF, seed: 7 };

let s3: LocalS3;
let sf: SalesforceEmulator;
let store: FakeStateStore;

beforeAll(async () => {
  s3 = await startLocalS3();
  for (const bucket of ['exports', 'staging']) await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  sf = await startOrg();
  seedUsageAccounts(sf, NIGHT);
});
afterAll(async () => {
  await sf.stop();
  await s3.stop();
});
beforeEach(() => {
  store = new FakeStateStore();
  attempts = new Map();
});

const CSV = JSON.stringify({
  export: { format: 'csv', columns: { counters: { logins: 'logins_30d', projects: 'projects_created' } } },
});

function depsWith(queue: FakeQueueGateway, configText?: string, source = 's3://exports/usage/{date}/'): UsageSyncDeps {
  const ledger = createBudgetLedger(store, configFor(sf), { clock: () => AS_OF });
  const session = new SalesforceSession(configFor(sf), { budget: { ledger, priority: 'sync' } });
  const bulk = new SalesforceBulkClient(session);
  return {
    config: loadUsageSyncConfig(configText),
    source,
    exportToken: 'app-export-token',
    runs: new UsageRuns(store, () => AS_OF),
    state: new UsageSyncState(store),
    staging: (runId) => new RunStaging(s3.s3, 'staging', runId),
    s3: s3.s3,
    queue,
    usageQueueUrl: USAGE_QUEUE,
    mixpanelQueueUrl: MIXPANEL_QUEUE,
    salesforce: {
      collections: new SalesforceClient(configFor(sf), { session }),
      bulk,
      budget: () => ledger.standing('sync'),
    },
    now: () => AS_OF,
  };
}

/** One Salesforce call of the interactive flows, on the same ledger as the night's. */
async function interactiveCall(): Promise<void> {
  const config = configFor(sf);
  const ledger = createBudgetLedger(store, config, { clock: () => AS_OF });
  await new SalesforceClient(config, { budget: { ledger, priority: 'interactive' } }).queryWhereIn(
    'Account',
    ['Id'],
    'App_Account_Id__c',
    ['acc_000001'],
  );
}

/**
 * Runs every usage chunk on the queue not run yet, as the usage queue's consumer would, one at a
 * time in order, until none is left; a delayed one (a deferral) only when asked to.
 */
const done = new WeakSet<object>();
/** How many times each chunk ran (a failed one stays on the queue and runs again). */
let attempts: Map<string, number>;
async function drain(queue: FakeQueueGateway, deps: UsageSyncDeps, delayedToo = false): Promise<void> {
  for (let more = true; more;) {
    more = false;
    for (const batch of [...queue.sent])
      for (const message of batch.queueUrl === USAGE_QUEUE ? batch.messages : []) {
        if (done.has(message) || (message.delaySeconds && !delayedToo)) continue;
        more = true;
        const chunk = UsageChunk.parse(JSON.parse(message.body));
        attempts.set(chunk.chunkId, (attempts.get(chunk.chunkId) ?? 0) + 1);
        try {
          await handleUsageChunk(chunk, deps);
          done.add(message);
        } catch {
          // Left on the queue: the next pass delivers it again, as SQS would after its back-off.
        }
      }
  }
}

/** Plans a night and runs it to its end (or until it waits). */
async function night(queue: FakeQueueGateway, deps = depsWith(queue)): Promise<UsageRun> {
  const planned = await planUsageRun(deps, { asOf: AS_OF, force: true });
  if (!('started' in planned)) throw new Error(planned.skipped);
  await drain(queue, deps);
  const run = await deps.runs.get(planned.started.runId);
  if (!run) throw new Error('run vanished');
  return run;
}

function mixpanelUpdates(queue: FakeQueueGateway): { profiles: ProfileUpdate[]; groups: GroupUpdate[] } {
  const profiles: ProfileUpdate[] = [];
  const groups: GroupUpdate[] = [];
  for (const { queueUrl, messages } of queue.sent) {
    if (queueUrl !== MIXPANEL_QUEUE) continue;
    for (const message of messages) {
      const intent = MixpanelIntent.parse(JSON.parse(message.body));
      if (intent.type === 'mixpanel.profiles') profiles.push(...(unpack(intent) as ProfileUpdate[]));
      if (intent.type === 'mixpanel.groups') groups.push(...(unpack(intent) as GroupUpdate[]));
    }
  }
  return { profiles, groups };
}

/** Tonight's export in the export bucket: NIGHT, gzipped NDJSON in parts of 150 rows, unless told otherwise. */
const writeNight = (options: Partial<Parameters<typeof writeUsageExport>[1]> = {}) =>
  writeUsageExport(s3.s3, {
    bucket: 'exports',
    prefix: `usage/${DAY}/`,
    format: 'ndjson',
    gzip: true,
    rowsPerPart: 150,
    ...NIGHT,
    ...options,
  });

const account = (id: string) => sf.findByExternalId('Account', 'App_Account_Id__c', id);

describe('a night of the usage sync', () => {
  it('puts the right figures on Accounts, every user profile and the group profiles; WAPU by hand', async () => {
    await writeNight();
    const queue = new FakeQueueGateway();

    const run = await night(queue);

    expect(run).toMatchObject({ status: 'succeeded', phase: 'done', failures: [] });
    // Hand-checked (docs/sandbox.md): acc_000001 is a trial with two active users: no WAPU.
    expect(account('acc_000001')).toMatchObject({ Active_Users_7d__c: 2, WAPU__c: 0, Seats_Used__c: 2 });
    // acc_000002 (pro): never active, exactly 8 × 24 h ago (outside), 6 d 23 h ago (inside).
    expect(account('acc_000002')).toMatchObject({ Active_Users_7d__c: 1, WAPU__c: 1, Seats_Used__c: 3 });
    expect(account('acc_000003')).toMatchObject({ WAPU__c: 2, Seats_Used__c: 2 });
    const { profiles, groups } = mixpanelUpdates(queue);
    expect(profiles).toHaveLength(NIGHT.users);
    expect(new Set(profiles.map((profile) => profile.distinctId)).size).toBe(NIGHT.users);
    expect(profiles.every((profile) => profile.ignoreTime === true && profile.operation === '$set')).toBe(true);
    expect(profiles.find((profile) => profile.distinctId === 'u_0000004')?.values).toMatchObject({
      account_id: 'acc_000002',
      plan: 'pro',
      account_paying: true,
      active_7d: false,
      active_30d: true,
    });
    expect(groups).toHaveLength(NIGHT.accounts);
    expect(groups.find((group) => group.groupId === 'acc_000002')).toMatchObject({
      groupKey: 'account_id',
      values: { wapu: 1, active_users_7d: 1, seats_used: 3 },
    });
  });

  it('sends nothing the second time, and only what changed when 5 % of users changed', async () => {
    await writeNight({ format: 'csv', rowsPerPart: 100_000 });
    const csvNight = (queue: FakeQueueGateway) => night(queue, depsWith(queue, CSV));
    await csvNight(new FakeQueueGateway());
    const callsBefore = sf.calls().total;

    const again = new FakeQueueGateway();
    const second = await csvNight(again);
    expect(second.status).toBe('succeeded');
    expect(mixpanelUpdates(again)).toEqual({ profiles: [], groups: [] });
    // The budget check only: no Account read beyond the night's query, no write.
    expect(sf.calls().total - callsBefore).toBeLessThanOrEqual(4);

    await writeNight({ format: 'csv', rowsPerPart: 100_000, changedShare: 0.05 });
    const changed = new FakeQueueGateway();
    await csvNight(changed);
    const { profiles } = mixpanelUpdates(changed);
    // round(5 % × 393 generated users) = 20, plus the mover, who is also a hand-checked case.
    expect(profiles.length).toBe(21);
    expect(profiles.find((profile) => profile.distinctId === 'u_0000006')?.values).toMatchObject({
      account_id: 'acc_000002',
      plan: 'pro',
    });
    expect(account('acc_000003')).toMatchObject({ WAPU__c: 1, Seats_Used__c: 1 });
    expect(account('acc_000002')).toMatchObject({ WAPU__c: 2, Seats_Used__c: 4 });
  });

  it('waits when Salesforce’s daily usage is at the sync’s share, then resumes where it stopped', async () => {
    await writeNight({ gzip: false });
    const queue = new FakeQueueGateway();
    const { max } = sf.apiUsage();
    sf.setApiUsage(Math.ceil(max * 0.9));
    // A ticket written meanwhile: its answer tells the shared ledger where the org stands.
    await interactiveCall();

    const waiting = await night(queue);
    expect(waiting).toMatchObject({ status: 'deferred', phase: 'read' });
    const deferred = queue.sent.flatMap((batch) => batch.messages).filter((message) => message.delaySeconds === 900);
    expect(deferred.map((message) => JSON.parse(message.body) as UsageChunk)).toMatchObject([
      { type: 'usage.accounts' },
    ]);

    sf.setApiUsage(0);
    await interactiveCall();
    const deps = depsWith(queue);
    await drain(queue, deps, true);
    expect(await deps.runs.get(waiting.runId)).toMatchObject({ status: 'succeeded', phase: 'done' });
    expect(account('acc_000002')).toMatchObject({ WAPU__c: 1 });
  });

  it('retries a failed chunk alone: every other chunk runs once', async () => {
    await writeNight();
    const queue = new FakeQueueGateway();
    const deps = depsWith(queue);
    // The first sync chunk's first attempt loses S3 half-way (its first read of rows throws).
    let failOnce = true;
    const staging = (runId: string) => depsWith(queue).staging(runId);
    deps.staging = (runId) => {
      const real = staging(runId);
      const read = real.read.bind(real);
      real.read = <T>(key: string) => {
        if (failOnce && key.includes('/rows/')) {
          failOnce = false;
          throw new Error('S3 hiccup');
        }
        return read<T>(key);
      };
      return real;
    };

    const run = await night(queue, deps);

    expect(run).toMatchObject({ status: 'succeeded', phase: 'done' });
    expect(attempts.get('sync-0')).toBe(2);
    expect([...attempts].filter(([id]) => id !== 'sync-0').every(([, count]) => count === 1)).toBe(true);
    expect(mixpanelUpdates(queue).profiles).toHaveLength(NIGHT.users);
  });

  it('reads the app’s paged HTTPS export in chunks of pages that continue themselves', async () => {
    const app = await startAppEmulator({ usage: NIGHT, token: 'app-export-token', pageSize: 10, port: 0 });
    try {
      const queue = new FakeQueueGateway();

      const run = await night(queue, depsWith(queue, undefined, app.exportUrl));

      expect(run).toMatchObject({ status: 'succeeded', phase: 'done' });
      // 400 rows, 10 a page, 20 pages a chunk: two chunks of pages, the second added by the first.
      expect([...attempts.keys()].filter((id) => id.startsWith('pages-'))).toEqual(['pages-0', 'pages-1']);
      // The status counts the page chunk added while reading, and every chunk's figures.
      const deps = depsWith(queue);
      const described = describeRun(run, await deps.runs.chunks(run.runId, runChunkIds(run)));
      expect(described.json).toMatchObject({ chunks: { finished: 5, read: 3, sync: 1 } });
      expect(described.json.counts).toMatchObject({ read: NIGHT.users });
      expect(mixpanelUpdates(queue).profiles).toHaveLength(NIGHT.users);
      expect(account('acc_000002')).toMatchObject({ WAPU__c: 1, Seats_Used__c: 3 });
    } finally {
      await app.stop();
    }
  });
});

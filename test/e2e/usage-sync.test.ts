import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_AWS_CREDENTIALS } from '../../local/local-credentials.js';
import { seedUsageAccounts, writeUsageExport } from '../../sandbox/app/index.js';
import { runCommand } from '../support/command.js';
import { eventually, queueDepth, startHubWithSandbox } from '../support/hub-harness.js';

// Four chunks, each a worker's cold start, then the Mixpanel queue's batching window (capped at 1 s here).
jest.setTimeout(120_000);

const AS_OF = Math.floor(Date.now() / 1000) * 1000;
const NIGHT = { users: 300, accounts: 20, asOf: AS_OF, seed: 3 };

let harness: Awaited<ReturnType<typeof startHubWithSandbox>>;
let s3: S3Client;
let cwd: string;
let runId: string | undefined;

beforeAll(async () => {
  harness = await startHubWithSandbox();
  cwd = mkdtempSync(join(tmpdir(), 'usage-sync-e2e-'));
  s3 = new S3Client({
    endpoint: harness.hub.sqs.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: LOCAL_AWS_CREDENTIALS,
  });
}, 60_000);
afterAll(async () => {
  s3.destroy();
  await harness.stop();
  rmSync(cwd, { recursive: true, force: true });
});

const salesforce = () => harness.sandbox.salesforce!;
const mixpanel = () => harness.sandbox.mixpanel!;
const account = (id: string) => salesforce().findByExternalId('Account', 'App_Account_Id__c', id);

/** `npm run sync -- <args>` against this hub, from a folder without `.env`. */
async function sync(...args: string[]): Promise<{ code: number | null; stdout: string; output: string }> {
  const command = runCommand('scripts/sync.ts', args, {
    cwd,
    env: {
      HUB_PORT: new URL(harness.hub.url).port,
      DYNAMODB_PORT: new URL(harness.hub.dynamoDb.endpoint).port,
    },
  });
  const code = await command.exited;
  return { code, stdout: command.stdout(), output: command.output() };
}

describe('the nightly usage sync through the local hub', () => {
  it('reports a night without an export as the planner failing, through the Lambda Invoke API', async () => {
    const lambda = new LambdaClient({
      endpoint: harness.hub.url,
      region: 'us-east-1',
      credentials: LOCAL_AWS_CREDENTIALS,
    });

    const answer = await lambda.send(
      new InvokeCommand({
        FunctionName: 'switchboard-local-usagePlanner',
        Payload: Buffer.from(JSON.stringify({ asOf: '2020-01-01T02:00:00Z' })),
      }),
    );
    lambda.destroy();

    expect(answer.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(answer.Payload!).toString('utf8'))).toMatchObject({
      errorType: 'PermanentError',
      errorMessage: expect.stringContaining(
        'No export objects under s3://switchboard-local-usageexportbucket/usage/2020-01-01/',
      ),
    });
  });

  it('runs with npm run sync -- run: Account figures, every user profile and the group profiles', async () => {
    seedUsageAccounts(salesforce(), NIGHT);
    const bucket = harness.hub.buckets.get('UsageExportBucket')!.name;
    const day = new Date(AS_OF).toISOString().slice(0, 10);
    await writeUsageExport(s3, {
      bucket,
      prefix: `usage/${day}/`,
      format: 'ndjson',
      gzip: true,
      rowsPerPart: 120,
      ...NIGHT,
    });

    const run = await sync('run', '--as-of', new Date(AS_OF).toISOString());

    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining('succeeded') });
    runId = /Started run (\S+)\./.exec(run.output)?.[1];
    // Hand-checked (docs/sandbox.md): a trial with active users counts no WAPU.
    expect(account('acc_000001')).toMatchObject({
      Seats_Used__c: 2,
      Active_Users_1d__c: 1,
      Active_Users_7d__c: 2,
      Active_Users_30d__c: 2,
      WAPU__c: 0,
    });
    expect(account('acc_000002')).toMatchObject({
      Seats_Used__c: 3,
      Active_Users_1d__c: 0,
      Active_Users_7d__c: 1,
      Active_Users_30d__c: 2,
      WAPU__c: 1,
    });
    expect(account('acc_000003')).toMatchObject({ Seats_Used__c: 2, Active_Users_7d__c: 2, WAPU__c: 2 });
    expect(String(account('acc_000002')?.Usage_Synced_At__c)).toMatch(new RegExp(`^${day}`));

    // The sync chunks' packed updates cross the Mixpanel queue to the mixpanelSender.
    await eventually(async () =>
      mixpanel().profiles().length === NIGHT.users && (await queueDepth(harness.hub, 'MixpanelQueue')) === 0
        ? true
        : undefined,
    );
    expect(mixpanel().profile('u_0000004')?.properties).toMatchObject({
      account_id: 'acc_000002',
      account_name: 'Paying Case Inc',
      plan: 'pro',
      active_7d: false,
      active_30d: true,
    });
    expect(mixpanel().groups()).toHaveLength(NIGHT.accounts);
    expect(mixpanel().group('account_id', 'acc_000002')?.properties).toMatchObject({
      wapu: 1,
      active_users_7d: 1,
      seats_used: 3,
    });
    expect(await queueDepth(harness.hub, 'UsageDeadLetterQueue')).toBe(0);
  });

  it('shows the run with npm run sync -- status --json', async () => {
    const status = await sync('status', '--json');

    expect(status.code).toBe(0);
    expect(runId).toBeDefined();
    expect(JSON.parse(status.stdout)).toMatchObject({
      runId,
      status: 'succeeded',
      phase: 'done',
      asOf: new Date(AS_OF).toISOString(),
      failures: [],
      // Export rows only: the Accounts read from Salesforce are not users.
      counts: { read: NIGHT.users, invalid: 0, failed: 0 },
    });
  });
});

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPause } from '../../lib/clients/api-pause.js';
import type { ApiBudgets } from '../../lib/clients/api-budgets.js';
import { BudgetLedger } from '../../lib/clients/salesforce/budget-ledger.js';
import { DynamoStateStore } from '../../lib/clients/state-store.js';
import { LOCAL_AWS_CREDENTIALS } from '../../local/local-credentials.js';
import { freePort, runCommand } from '../support/command.js';
import { startHubWithSandbox } from '../support/hub-harness.js';

jest.setTimeout(60_000);

type Printed = ApiBudgets & { live?: { dailyApiRequests?: { max: number; used: number }; error?: string } };

let harness: Awaited<ReturnType<typeof startHubWithSandbox>>;
let store: DynamoStateStore;
let cwd: string;

beforeAll(async () => {
  harness = await startHubWithSandbox({}, {}, { consumersPaused: true });
  const client = new DynamoDBClient({
    endpoint: harness.hub.dynamoDb.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_AWS_CREDENTIALS,
  });
  store = new DynamoStateStore(client, 'switchboard-local-state');
  cwd = mkdtempSync(join(tmpdir(), 'limits-'));
}, 60_000);
afterAll(async () => {
  await harness.stop();
  rmSync(cwd, { recursive: true, force: true });
});

const salesforce = () => harness.sandbox.salesforce!;
const org = () => new URL(salesforce().url).host;

/** `switchboard limits <args>` against this hub, from a folder without `.env`, as npm start's settings have it. */
async function limits(...args: string[]): Promise<{ code: number | null; stdout: string; output: string }> {
  const command = runCommand('scripts/switchboard.ts', ['limits', ...args], {
    cwd,
    unset: ['SALESFORCE_LOGIN_URL', 'SALESFORCE_CLIENT_SECRET', 'SALESFORCE_CLIENT_SECRET_SSM', 'STATE_TABLE'],
    env: {
      HUB_PORT: new URL(harness.hub.url).port,
      DYNAMODB_PORT: new URL(harness.hub.dynamoDb.endpoint).port,
      SANDBOX_SALESFORCE_PORT: new URL(salesforce().url).port,
    },
  });
  const code = await command.exited;
  return { code, stdout: command.stdout(), output: command.output() };
}

describe('switchboard limits against the local hub', () => {
  it('reports a quiet hub as within limits with exit 0, making no Salesforce call', async () => {
    // Act
    const text = await limits();
    const json = await limits('--json');

    // Assert
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Salesforce (${org()})`);
    expect(text.stdout).toContain('All within limits.');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ problems: [], salesforce: { org: org(), paused: false } });
    expect(salesforce().callLog()).toEqual([]);
  });

  it('--live asks the org once through the ledger, which then holds that answer', async () => {
    // Act
    const run = await limits('--live', '--json');

    // Assert
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as Printed;
    expect(printed.live?.dailyApiRequests).toMatchObject({ max: 100_000 });
    const apiCalls = salesforce()
      .callLog()
      .filter((call) => call.endpoint !== 'oauth.token');
    expect(apiCalls.map((call) => `${call.method} ${call.path}`)).toEqual([
      expect.stringMatching(/^GET \/services\/data\/v\d+\.\d\/limits$/),
    ]);
    expect(printed.salesforce).toMatchObject({ reservedCalls: 1, observed: { max: 100_000 } });
    expect(printed.live?.dailyApiRequests?.used).toBe(printed.salesforce.observed?.used);
  });

  it('exits 1 and says why while Mixpanel is paused and Salesforce is at the sync guard', async () => {
    // Arrange
    await new ApiPause(store, 'mixpanel').rateLimited(120);
    const ledger = new BudgetLedger(
      store,
      { syncSharePercent: 80, spentWaitSeconds: 3600, probeSeconds: 900 },
      { org: org() },
    );
    await ledger.observe(await ledger.reserve('interactive'), { used: 85_000, max: 100_000 });

    // Act
    const text = await limits();
    const json = await limits('--json');

    // Assert
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Problems:');
    expect(text.stdout).toMatch(/mixpanel is paused until \S+ after 1 consecutive 429s/);
    expect(json.code).toBe(1);
    const printed = JSON.parse(json.stdout) as Printed;
    expect(printed.mixpanel).toMatchObject({ paused: true, consecutive429s: 1 });
    expect(printed.salesforce).toMatchObject({ overGuard: true, caps: { interactive: 100_000, sync: 80_000 } });
    expect(printed.problems).toHaveLength(2);
  });
});

describe('switchboard limits without a hub', () => {
  it('exits 3 when the hub does not answer, and 2 on a usage error', async () => {
    // Arrange
    const port = String(await freePort());

    // Act
    const down = runCommand('scripts/switchboard.ts', ['limits'], {
      cwd,
      env: { HUB_PORT: port, DYNAMODB_PORT: port },
    });
    const wrong = runCommand('scripts/switchboard.ts', ['limits', '--verbose'], { cwd });

    // Assert
    expect(await down.exited).toBe(3);
    expect(down.output()).toContain('the local hub is not reachable');
    expect(await wrong.exited).toBe(2);
    expect(wrong.output()).toContain("Unknown option '--verbose'");
  });
});

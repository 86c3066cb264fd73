import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_TERMS_WEBHOOK_SECRET } from '../../sandbox/launch.js';
import { freePort, runCommand } from '../support/command.js';
import { eventually, startHubWithSandbox } from '../support/hub-harness.js';
import { acceptanceBody, termsSignature } from '../support/terms.js';

// The acceptances cross the hub's two batching windows (capped at 1 s here) before there is anything to forget.
jest.setTimeout(90_000);

/** Settings that would make the command use a real Mixpanel project instead of the sandbox. */
const REAL_MIXPANEL = [
  'MIXPANEL_SERVICE_ACCOUNT_SECRET',
  'MIXPANEL_SERVICE_ACCOUNT_SECRET_SSM',
  'MIXPANEL_GDPR_TOKEN',
  'MIXPANEL_GDPR_TOKEN_SSM',
];

let harness: Awaited<ReturnType<typeof startHubWithSandbox>>;
let cwd: string;

const salesforce = () => harness.sandbox.salesforce!;
const mixpanel = () => harness.sandbox.mixpanel!;

beforeAll(async () => {
  // Deletion tasks stay pending until the test completes them (completeDeletions), as Mixpanel's take weeks.
  harness = await startHubWithSandbox({}, { mixpanelGdpr: { completeAfterMs: 3_600_000 } });
  cwd = mkdtempSync(join(tmpdir(), 'forget-cli-'));
  salesforce().seedAccountsWithContacts({ accounts: 1, contactsPerAccount: 3 });
  // Two people accept the terms through the hub: Terms_Acceptance__c in Salesforce, event and profile in Mixpanel.
  const text = JSON.stringify([acceptanceBody(1), acceptanceBody(2)]);
  const answer = await fetch(`${harness.hub.url}/webhooks/terms`, {
    method: 'POST',
    headers: termsSignature(SANDBOX_TERMS_WEBHOOK_SECRET, text),
    body: text,
  });
  expect(answer.status).toBe(202);
  await eventually(() => (mixpanel().profile('u_000001') && mixpanel().profile('u_000002') ? true : undefined), 60_000);
  await eventually(() => (mixpanel().eventsByName('Terms Accepted').length === 2 ? true : undefined), 60_000);
}, 90_000);
afterAll(async () => {
  await harness.stop();
  rmSync(cwd, { recursive: true, force: true });
});

/** `switchboard forget <args>` from a folder without `.env`, pointed at this hub's Mixpanel sandbox. */
async function forget(...args: string[]): Promise<{ code: number | null; stdout: string; output: string }> {
  const command = runCommand('scripts/forget.ts', args, {
    cwd,
    unset: REAL_MIXPANEL,
    env: { SANDBOX_MIXPANEL_PORT: new URL(mixpanel().url).port },
  });
  const code = await command.exited;
  return { code, stdout: command.stdout(), output: command.output() };
}

describe('switchboard forget', () => {
  it('refuses without --yes when there is no terminal to confirm on, deleting nothing', async () => {
    // Act
    const run = await forget('--user-id', 'u_000001');

    // Assert
    expect(run.code).toBe(2);
    expect(run.output).toContain('pass --yes');
    expect(mixpanel().profile('u_000001')).toBeDefined();
    expect(mixpanel().stats().deletionTasks).toBe(0);
  });

  it.each([
    ['no --user-id', []],
    ['an unknown compliance type', ['--user-id', 'u_1', '--compliance-type', 'hipaa', '--yes']],
    ['more than 2,000 users', Array.from({ length: 2001 }, (_, i) => ['--user-id', `u_${i}`]).flat()],
    ['a tracking id with --user-id', ['status', 'task-1', '--user-id', 'u_1']],
  ])('exits 2 on %s', async (_, args) => {
    // Act
    const run = await forget(...args);

    // Assert
    expect(run.code).toBe(2);
    expect(run.output).toContain('Usage: switchboard forget');
  });

  it('deletes the profile now and the events once the task completes, leaving Salesforce untouched', async () => {
    // Arrange
    const evidenceBefore = salesforce().records('Terms_Acceptance__c');
    const salesforceCallsBefore = salesforce().apiUsage().used;

    // Act
    const filed = await forget('--user-id', 'u_000001', '--yes', '--json');
    const result = JSON.parse(filed.stdout) as { trackingId: string; profilesDeleted: string[]; salesforce: unknown };
    const profileRightAfter = mixpanel().profile('u_000001');
    const pending = await forget('status', result.trackingId);
    const eventsWhilePending = mixpanel().events('u_000001').length;
    mixpanel().completeDeletions();
    const done = await forget('status', result.trackingId, '--json');

    // Assert
    expect(filed.code).toBe(0);
    expect(result).toEqual(
      expect.objectContaining({
        complianceType: 'GDPR',
        distinctIds: ['u_000001'],
        profilesDeleted: ['u_000001'],
        profileFailures: [],
        salesforce: expect.objectContaining({ touched: false }) as unknown,
      }),
    );
    expect(profileRightAfter).toBeUndefined();
    expect(pending.code).toBe(0);
    expect(pending.stdout).toContain(`Deletion task ${result.trackingId}: PENDING`);
    expect(eventsWhilePending).toBe(1);
    expect(mixpanel().events('u_000001')).toEqual([]);
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual(
      expect.objectContaining({ trackingId: result.trackingId, status: 'SUCCESS', distinctIds: ['u_000001'] }),
    );
    // The other person keeps everything; the terms evidence of both stays as it was, unread and unwritten.
    expect(mixpanel().events('u_000002')).toHaveLength(1);
    expect(mixpanel().profile('u_000002')).toBeDefined();
    expect(salesforce().records('Terms_Acceptance__c')).toEqual(evidenceBefore);
    expect(evidenceBefore.map((record) => record.App_User_Id__c).sort()).toEqual(['u_000001', 'u_000002']);
    expect(salesforce().apiUsage().used).toBe(salesforceCallsBefore);
  });

  it('says in its text output that Salesforce and the terms evidence are kept, and how to follow it', async () => {
    // Act
    const run = await forget('--user-id', 'u_000003', '--compliance-type', 'ccpa', '--yes');

    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('CCPA deletion filed for 1 user(s): u_000003');
    expect(run.stdout).toMatch(/Salesforce is not touched.*Terms_Acceptance__c records are kept/s);
    expect(run.stdout).toMatch(/switchboard forget status sandbox-deletion-\d+/);
  });

  it('exits 1 for a tracking id Mixpanel never issued', async () => {
    // Act
    const run = await forget('status', 'no-such-task');

    // Assert
    expect(run.code).toBe(1);
    expect(run.output).toContain('404');
  });

  it('exits 3 with a hint when the sandbox is not running', async () => {
    // Arrange
    const port = await freePort();

    // Act
    const command = runCommand('scripts/forget.ts', ['--user-id', 'u_000002', '--yes'], {
      cwd,
      unset: REAL_MIXPANEL,
      env: { SANDBOX_MIXPANEL_PORT: String(port) },
    });
    const code = await command.exited;

    // Assert
    expect(code).toBe(3);
    expect(command.output()).toContain('is `npm start` running?');
  });
});

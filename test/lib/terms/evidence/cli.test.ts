import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { anAcceptance, recordWithEvent, startEmulators, type Emulators } from './fixtures.js';

const root = resolve(import.meta.dirname, '../../../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/evidence.ts` as `npm run evidence` would, in `cwd`, with only the given settings. */
function evidence(args: string[], cwd: string, settings: Record<string, string>): Promise<Run> {
  const child = spawn(
    process.execPath,
    [resolve(root, 'node_modules/tsx/dist/cli.mjs'), resolve(root, 'scripts/evidence.ts'), ...args],
    {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...settings },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

describe('npm run evidence', () => {
  let env: Emulators;
  let cwd: string;
  /** No secrets: the command reads "npm start's" sandboxes, here on the test's ports. */
  let sandbox: Record<string, string>;

  beforeAll(async () => {
    env = await startEmulators();
    sandbox = { SANDBOX_SALESFORCE_PORT: String(env.sf.port), SANDBOX_MIXPANEL_PORT: String(env.mp.port) };
    recordWithEvent(env, anAcceptance(1));
    const tampered = recordWithEvent(env, anAcceptance(2, { user_id: 'u_000002', email: 'tampered@example.com' }));
    env.sf.update('Terms_Acceptance__c', tampered, { Accepted_At__c: '2026-01-30T09:15:00.000Z' });
  });
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'evidence-cli-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));
  afterAll(async () => {
    await env.sf.stop();
    await env.mp.stop();
  });

  it('exits 0 for a verified acceptance and 1 for a tampered one, printing the text report', async () => {
    // Act
    const [verified, tampered] = await Promise.all([
      evidence(['--email', 'Jane.Doe@example.com'], cwd, sandbox),
      evidence(['--user-id', 'u_000002'], cwd, sandbox),
    ]);

    // Assert
    expect(verified).toMatchObject({ code: 0, stderr: '' });
    expect(verified.stdout).toContain('Terms acceptances of email jane.doe@example.com');
    expect(verified.stdout).toMatch(/1 {2}TA-00000\d {2}acc-1 {2}OK/);
    expect(verified.stdout).toContain('Result: VERIFIED — the acceptance verifies.');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('EDITED SINCE RECORDED');
  });

  it('writes evidence-<who>-<date>.html in the current folder and prints its path', async () => {
    // Act
    const run = await evidence(['--user-id', 'u_000001', '--format', 'html'], cwd, sandbox);

    // Assert
    const path = join(cwd, `evidence-u_000001-${new Date().toISOString().slice(0, 10)}.html`);
    expect(run).toMatchObject({ code: 0, stdout: `${path}\n` });
    expect(run.stderr).toContain('VERIFIED: 1 acceptance(s) of u_000001');
    expect(readFileSync(path, 'utf8')).toContain('<!DOCTYPE html>');
  });

  it('reads its settings from .env, secrets included', async () => {
    // Arrange
    const account = env.mp.config.serviceAccounts[0]!;
    writeFileSync(
      join(cwd, '.env'),
      [
        `SALESFORCE_LOGIN_URL=${env.sf.url}`,
        `SALESFORCE_CLIENT_ID=${env.sf.clientId}`,
        `SALESFORCE_CLIENT_SECRET=${env.sf.clientSecret}`,
        `MIXPANEL_EXPORT_API_URL=${env.mp.url}`,
        `MIXPANEL_PROJECT_ID=${env.mp.config.projectId}`,
        `MIXPANEL_SERVICE_ACCOUNT=${account.username}`,
        'MIXPANEL_SERVICE_ACCOUNT_SECRET=wrong-secret',
      ].join('\n'),
    );

    // Act
    const run = await evidence(['--user-id', 'u_000001', '--out', 'report.txt'], cwd, {});

    // Assert: the wrong Mixpanel secret from .env is used, so the event cannot be checked
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`${join(cwd, 'report.txt')}\n`);
    expect(readFileSync(join(cwd, 'report.txt'), 'utf8')).toMatch(/MIXPANEL NOT CHECKED[\s\S]*401/);
  });

  it('exits 2 on a usage error and 0 for --help, which names the exit codes', async () => {
    // Act
    const [none, both, badFormat, help] = await Promise.all([
      evidence([], cwd, sandbox),
      evidence(['--email', 'a@b.c', '--user-id', 'u_1'], cwd, sandbox),
      evidence(['--email', 'a@b.c', '--format', 'pdf'], cwd, sandbox),
      evidence(['--help'], cwd, sandbox),
    ]);

    // Assert
    expect([none.code, both.code, badFormat.code]).toEqual([2, 2, 2]);
    expect(none.stderr).toContain('give exactly one of --email or --user-id');
    expect(badFormat.stderr).toContain('--format must be text or html');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      'Exit status: 0 every acceptance verifies; 1 an acceptance is flagged, none is found',
    );
  });

  it('exits 3 with a hint when the sandbox is not running', async () => {
    // Act
    const run = await evidence(['--email', 'jane.doe@example.com'], cwd, {
      SANDBOX_SALESFORCE_PORT: '1',
      SANDBOX_MIXPANEL_PORT: '1',
    });

    // Assert
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/is `npm start` running\?/);
  });
});

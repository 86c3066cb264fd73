import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** The CLI with a stage whose Lambda API is a closed loopback port: the stage cannot be read. */
function againstUnreachableStage(...args: string[]) {
  const run = spawnSync(process.execPath, ['bin/switchboard.js', ...args, '--stage', 'prod'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:1',
      AWS_MAX_ATTEMPTS: '1',
    },
  });
  return { status: run.status, stderr: run.stderr };
}

describe('switchboard commands with --stage read the settings of that stage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stage-target-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['evidence', ['evidence', '--user-id', 'u_1']],
    ['backfill zendesk', ['backfill', 'zendesk', '--since', '2024-01-01', '--state', join(dir, 'cursor.json')]],
    ['dry-run', ['dry-run', 'test/fixtures/outbound/case-refund.xml']],
  ])('%s: exit 3, naming the stage and region, when the stage cannot be read', (_name, args) => {
    // Act
    const run = againstUnreachableStage(...args);

    // Assert
    expect(run.stderr).toContain('stage prod in eu-west-1 is not reachable');
    expect(run.status).toBe(3);
  });
});

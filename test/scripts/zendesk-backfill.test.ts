import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Runs the CLI as `npm run backfill:zendesk` does; every case here ends before any setting is read. */
function backfill(...args: string[]) {
  const run = spawnSync(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', '--import', 'tsx', 'scripts/zendesk-backfill.ts', ...args],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: run.status, stderr: run.stderr };
}

describe('npm run backfill:zendesk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backfill-cli-'));
  const stateFile = join(dir, 'zendesk-backfill.json');
  const state = `${JSON.stringify({
    cursor: 'MTcxOTc5MjAwMC4wfHwxMjM0fA==',
    updatedAt: '2024-07-01T00:00:00.000Z',
    tickets: 2500,
    startTime: Date.parse('2024-01-01T00:00:00Z') / 1000,
  })}\n`;
  beforeEach(() => writeFileSync(stateFile, state));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a --since other than the saved export start, naming both and the flags that settle it', () => {
    const { status, stderr } = backfill('--since', '2023-01-01', '--state', stateFile);

    expect(status).toBe(2);
    expect(stderr).toContain(`${stateFile} holds the cursor of an export from 2024-01-01T00:00:00.000Z (2500 tickets`);
    expect(stderr).toContain('the start time given is 2023-01-01T00:00:00.000Z');
    expect(stderr).toContain('Run again with --resume or --restart.');
    expect(readFileSync(stateFile, 'utf8')).toBe(state);
  });

  it('refuses --resume and --restart together, and a --since that is not a date', () => {
    expect(backfill('--since', '2023-01-01', '--resume', '--restart', '--state', stateFile)).toEqual({
      status: 2,
      stderr: expect.stringContaining('Give --resume or --restart, not both.'),
    });
    expect(backfill('--since', 'last tuesday', '--state', stateFile)).toEqual({
      status: 2,
      stderr: expect.stringContaining('--since last tuesday is not a date.'),
    });
  });
});

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Runs the package bin, as `npx switchboard` does. */
function switchboard(...args: string[]) {
  const run = spawnSync(process.execPath, ['bin/switchboard.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('switchboard (the package bin)', () => {
  it('lists its commands and the meaning of its exit codes', () => {
    // Act
    const help = switchboard('--help');

    // Assert
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^ {2}evidence /m);
    expect(help.stdout).toMatch(/^ {2}backfill zendesk /m);
    expect(help.stdout).toMatch(/^ {2}dlq  +list\|show\|redrive/m);
    expect(help.stdout).toMatch(/^ {2}limits /m);
    expect(help.stdout).toMatch(/^ {2}forget /m);
    expect(help.stdout).toContain('3 could not reach');
  });

  it('hands a command its own arguments: a two-word command and its --help', () => {
    // Act
    const backfill = switchboard('backfill', 'zendesk', '--resume', '--restart');
    const evidence = switchboard('evidence', '--help');

    // Assert
    expect(backfill).toEqual(expect.objectContaining({ status: 2 }));
    expect(backfill.stderr).toContain('Give --resume or --restart, not both.');
    expect(evidence.status).toBe(0);
    expect(evidence.stdout).toContain('Usage: switchboard evidence');
  });

  it('refuses an unknown command with exit 2, naming it', () => {
    // Act
    const unknown = switchboard('backfill', 'salesforce');

    // Assert
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "backfill salesforce"');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCommand } from '../support/command.js';

describe('npm run backfill:zendesk without the local hub', () => {
  it('stops within seconds, without a stack trace, naming the SQS address from .env and npm start', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'backfill-'));
    const [sqsPort, zendeskPort] = [await freePort(), await freePort()];
    writeFileSync(join(folder, '.env'), `SQS_PORT=${sqsPort}\nSANDBOX_ZENDESK_PORT=${zendeskPort}\n`);
    const startedAt = Date.now();

    const run = runCommand('scripts/zendesk-backfill.ts', ['--since', '2020-01-01'], {
      cwd: folder,
      unset: ['SQS_PORT', 'SANDBOX_ZENDESK_PORT', 'SQS_ENDPOINT', 'ZENDESK_QUEUE_URL', 'ZENDESK_API_URL'],
    });
    const code = await run.exited;
    rmSync(folder, { recursive: true, force: true });

    expect(code).toBe(3);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    const lines = run.output().trim().split('\n');
    expect(lines.at(-1)).toBe(
      `The local hub is not reachable at http://127.0.0.1:${sqsPort}: ` +
        'start it with `npm start`, then run this again.',
    );
    expect(lines.filter((line) => /^\s+at /.test(line))).toEqual([]);
  }, 30_000);
});

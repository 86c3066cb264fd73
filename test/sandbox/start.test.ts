import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCommand } from '../support/command.js';

describe('npm run sandbox', () => {
  it('takes its ports from .env, as npm start does', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sandbox-start-'));
    const port = await freePort();
    writeFileSync(join(folder, '.env'), `SANDBOX_MIXPANEL_PORT=${port}\n`);

    const run = runCommand('sandbox/start.ts', ['--only', 'mixpanel'], {
      cwd: folder,
      unset: ['SANDBOX_MIXPANEL_PORT'],
    });
    const deadline = Date.now() + 20_000;
    while (!run.output().includes('Ctrl-C stops them') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const answer = await fetch(`http://127.0.0.1:${port}/__sandbox/state`).catch(() => undefined);
    run.stop();
    await run.exited;
    rmSync(folder, { recursive: true, force: true });

    expect(run.output()).toContain(`mixpanel   http://127.0.0.1:${port}`);
    expect(answer?.status).toBe(200);
  }, 30_000);
});

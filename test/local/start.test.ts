import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

describe('npm start', () => {
  it('serves the hub offline, prints where everything is, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'local/start.ts'], {
      cwd: root,
      env: {
        ...process.env,
        HUB_PORT: '0',
        SQS_PORT: '0',
        SANDBOX_SALESFORCE_PORT: '0',
        SANDBOX_MIXPANEL_PORT: '0',
        SANDBOX_ZENDESK_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));

    const deadline = Date.now() + 30_000;
    while (!output.includes('Ctrl-C stops everything') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const health = /curl -s (http:\/\/127\.0\.0\.1:\d+)\/health/.exec(output)?.[1];
    const answer = health ? await fetch(`${health}/health`) : undefined;
    child.kill('SIGINT');
    const code = await exited;

    expect(output).toMatch(/ready in \d+\.\d s/);
    expect(output).toMatch(/salesforce +sandbox http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/mixpanel +sandbox http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/zendesk +sandbox http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('mixpanelSender ← MixpanelQueue (batch 2000, window 5 s, concurrency 2)');
    expect(answer?.status).toBe(200);
    expect(output).toContain('Stopped.');
    expect(code).toBe(0);
  }, 60_000);
});

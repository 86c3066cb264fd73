import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCommand } from '../support/command.js';

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dlq-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** `switchboard dlq <args>` with the local hub's ports pointing at nothing. */
async function dlq(...args: string[]) {
  const env = { HUB_PORT: String(await freePort()), SQS_PORT: String(await freePort()) };
  const run = runCommand('scripts/dlq.ts', args, { cwd, env });
  return { code: await run.exited, output: run.output() };
}

describe('switchboard dlq, before it reads anything', () => {
  it.each([
    [['redrive'], 'redrive takes one --queue'],
    [['list', '--queue', 'billing'], '--queue must be one of salesforce, mixpanel, zendesk, usage'],
    [['redrive', '--queue', 'mixpanel', '--limit', '0'], '--limit must be a positive integer'],
    [['show'], 'give one message id'],
    [['purge'], 'unknown command purge'],
  ])(
    'refuses %j with exit 2',
    async (args, message) => {
      // Act
      const run = await dlq(...args);

      // Assert
      expect(run.code).toBe(2);
      expect(run.output).toContain(message);
    },
    30_000,
  );

  it('exits 3, naming the hub, when the local hub is not running', async () => {
    // Act
    const run = await dlq('list');

    // Assert
    expect(run.code).toBe(3);
    expect(run.output).toContain('the local hub is not reachable');
  }, 30_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubProcess } from '../support/hub-process.js';

describe('npm start', () => {
  it('serves the hub offline, prints where everything is, and stops cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
    const hub = await startHubProcess({ SWITCHBOARD_DATA_DIR: dataDir });

    const answer = await fetch(`${hub.url}/health`);
    const page = await fetch(`${hub.url}/console`);
    const users: unknown = await (await fetch(`${hub.url}/console/api/users?q=u_000001`)).json();
    const code = await hub.stop('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });

    const output = hub.output();
    expect(output).toMatch(/ready in \d+\.\d s/);
    expect(output).toMatch(/salesforce +sandbox http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/mixpanel +sandbox http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/zendesk +sandbox http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('mixpanelSender ← MixpanelQueue (batch 2000, window 2 s, concurrency 2)');
    expect(output).toContain(`kept in ${join(dataDir, 'queues')} across stops and crashes`);
    expect(answer.status).toBe(200);
    expect(output).toContain(`Console: ${hub.url}/console`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(users).toEqual([{ appUserId: 'u_000001', name: 'Sandbox User 000001', events: 3 }]);
    expect(output).toContain('Stopped.');
    expect(code).toBe(0);
  }, 60_000);
});

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface HubProcess {
  pid: number;
  /** The HTTP API, as the banner prints it. */
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends the signal and resolves with the exit code (null when killed). */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * `npm start` as a child process — node itself, as npm runs it, so that a signal reaches the hub
 * and not a wrapper — with every port free-picked. Resolves once the banner is out.
 */
export async function startHubProcess(env: Record<string, string> = {}, args: string[] = []): Promise<HubProcess> {
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', '--import', 'tsx', 'local/start.ts', ...args],
    {
      cwd: root,
      env: {
        ...process.env,
        HUB_PORT: '0',
        SQS_PORT: '0',
        DYNAMODB_PORT: '0',
        SANDBOX_SALESFORCE_PORT: '0',
        SANDBOX_MIXPANEL_PORT: '0',
        SANDBOX_ZENDESK_PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let running = true;
  void exited.then(() => (running = false));

  const deadline = Date.now() + 45_000;
  while (!output.includes('Ctrl-C stops everything') && running && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  const url = /curl -s (http:\/\/127\.0\.0\.1:\d+)\/health/.exec(output)?.[1];
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`npm start did not come up:\n${output}`);
  }
  return {
    pid: child.pid ?? 0,
    url,
    output: () => output,
    stop: (signal) => {
      if (running) child.kill(signal);
      return exited;
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(import.meta.dirname, '../..');

/** A free loopback port, for a child that must keep the same port across restarts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('No free port');
  return address.port;
}

/**
 * `npm start` as a child process, so that it can be killed with SIGKILL and started again over
 * the same queue data, as a crash of the local hub would.
 */
export class HubProcess {
  private child: ChildProcess | undefined;
  private readonly log: WriteStream;
  readonly url: string;
  readonly sqsEndpoint: string;

  constructor(
    private readonly env: Record<string, string>,
    readonly ports: { hub: number; sqs: number; dynamoDb: number },
    logFile: string,
  ) {
    this.url = `http://127.0.0.1:${ports.hub}`;
    this.sqsEndpoint = `http://127.0.0.1:${ports.sqs}`;
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  /** Starts the hub and waits until `/health` answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--import', 'tsx', resolve(root, 'local/start.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          ...this.env,
          HUB_PORT: String(this.ports.hub),
          SQS_PORT: String(this.ports.sqs),
          DYNAMODB_PORT: String(this.ports.dynamoDb),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`The hub exited with ${child.exitCode} while starting`);
      const healthy = await fetch(`${this.url}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) return;
      await sleep(100);
    }
    throw new Error(`The hub did not answer /health within ${timeoutMs} ms`);
  }

  /** The hub's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGKILL: no shutdown code runs, as in a crash or `kill -9`. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Ctrl-C: the hub finishes its in-flight batches and stops. */
  async stop(): Promise<void> {
    await this.signal('SIGINT');
    this.log.end();
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}

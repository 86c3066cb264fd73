import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CommandRun {
  output(): string;
  /** What it printed on stdout alone. */
  stdout(): string;
  exited: Promise<number | null>;
  stop(): void;
}

/**
 * Runs one of the project's TypeScript commands (as its npm script does) from `cwd`, where the
 * command looks for `.env`; the environment is this process's without the given names, with `env` over it.
 */
export function runCommand(
  script: string,
  args: string[],
  options: { cwd: string; unset?: string[]; env?: Record<string, string> },
): CommandRun {
  const env = { ...process.env, ...options.env };
  for (const name of options.unset ?? []) delete env[name];
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', '--import', TSX, resolve(root, script), ...args],
    { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    output: () => output,
    stdout: () => stdout,
    exited: new Promise((done) => child.on('exit', (code) => done(code))),
    stop: () => void child.kill('SIGINT'),
  };
}

/** A loopback port nothing listens on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return typeof address === 'object' && address ? address.port : 0;
}

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The folder where the local runtime keeps what must survive a restart: `SWITCHBOARD_DATA_DIR`,
 * else `.switchboard/` in the repository root (ignored by git).
 */
export function localDataDir(root: string, settings: Record<string, string | undefined>): string {
  return resolve(root, settings.SWITCHBOARD_DATA_DIR || '.switchboard');
}

/** The local queues and their messages (SQLite), inside the data folder. */
export function queueDataDir(dataDir: string): string {
  return join(dataDir, 'queues');
}

/** Deletes the local queues and every message on them, for a clean start (never under a running hub). */
export function deleteQueueData(dataDir: string): void {
  const dir = queueDataDir(dataDir);
  refuseIfHeld(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** The local DynamoDB tables and their items (LevelDB), inside the data folder. */
export function dynamoDbDataDir(dataDir: string): string {
  return join(dataDir, 'dynamodb');
}

/**
 * Deletes the local DynamoDB tables and their items, for a clean start. A running hub holds the
 * queue folder of the same data folder, so that lock guards these tables too.
 */
export function deleteDynamoDbData(dataDir: string): void {
  refuseIfHeld(queueDataDir(dataDir));
  rmSync(dynamoDbDataDir(dataDir), { recursive: true, force: true });
}

/** The local S3 buckets and their objects (files), inside the data folder. */
export function s3DataDir(dataDir: string): string {
  return join(dataDir, 's3');
}

/** Deletes the local S3 buckets and their objects, for a clean start (never under a running hub). */
export function deleteS3Data(dataDir: string): void {
  refuseIfHeld(queueDataDir(dataDir));
  rmSync(s3DataDir(dataDir), { recursive: true, force: true });
}

const LOCK_FILE = 'hub.pid';
const held = new Set<string>();

/** Fails, naming the other hub, when a running hub uses the queue folder. */
export function refuseIfHeld(dir: string): void {
  const holder = readPid(join(dir, LOCK_FILE));
  if (holder !== undefined && (holder === process.pid ? held.has(dir) : isAlive(holder)))
    throw new Error(`Another local hub (pid ${holder}) is using the queues in ${dir}; stop it first.`);
}

/**
 * Claims a queue folder for this process. The local hub assumes it is the only consumer of its
 * queues (it releases in-flight messages at start), so a second hub on the same folder would take
 * messages from under the first; a lock left by a process that has died is taken over.
 */
export function takeDataDir(dir: string): void {
  refuseIfHeld(dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, LOCK_FILE), String(process.pid));
  held.add(dir);
}

/** Gives the folder up at a stop. */
export function releaseDataDir(dir: string): void {
  held.delete(dir);
  if (readPid(join(dir, LOCK_FILE)) === process.pid) rmSync(join(dir, LOCK_FILE), { force: true });
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

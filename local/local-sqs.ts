import { ChangeMessageVisibilityBatchCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { DatabaseSync } from 'node:sqlite';
import { chunkByCount } from '../lib/batching.js';
import { releaseDataDir, takeDataDir } from './data-dir.js';
import type { QueueDefinition } from './serverless-definition.js';
import { LOCAL_AWS_CREDENTIALS } from './local-credentials.js';

export interface LocalQueue {
  name: string;
  url: string;
  arn: string;
}

export type LocalSqsServer = Awaited<ReturnType<typeof startFauxqs>>;

export interface LocalSqs {
  server: LocalSqsServer;
  endpoint: string;
  client: SQSClient;
  /** Where the queues are kept (SQLite), or undefined when they live in memory only. */
  dataDir: string | undefined;
  /**
   * SQLite's `synchronous` setting of the queue database, read back from fauxqs's connection
   * (1: NORMAL, 2: FULL), or undefined when the queues live in memory only.
   */
  synchronous: number | undefined;
  stop(): Promise<void>;
}

export interface LocalSqsOptions {
  /** 0 picks a free port. */
  port?: number;
  region?: string;
  /** Keeps queues and messages in SQLite in this folder, so they survive a stop, a crash or `kill -9`. */
  dataDir?: string;
  /**
   * Keeps the S3 objects fauxqs serves on the same endpoint as files in this folder; without it
   * they are kept with the queues (or in memory). Files keep large exports out of SQLite.
   */
  s3DataDir?: string;
}

// SQS takes 10 entries per batch call.
const BATCH_ENTRIES = 10;
/**
 * How soon a released message is visible again. Not 0: fauxqs 2.4 fails to persist a visibility
 * timeout of 0 (it writes a null receive count) and drops the message from memory.
 */
export const RELEASE_VISIBILITY_SECONDS = 1;

/**
 * Starts an in-process SQS-compatible server (fauxqs) on loopback. With a `dataDir`, every
 * accepted message is written through to SQLite before SQS answers, and one hub at a time may
 * use the folder.
 */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const region = options.region ?? 'us-east-1';
  const { dataDir } = options;
  if (dataDir) takeDataDir(dataDir);
  let server: LocalSqsServer;
  const databases: DatabaseSync[] = [];
  try {
    server = await withCommitsWithoutFsync(databases, () =>
      startFauxqs({
        port: options.port ?? 0,
        logger: false,
        defaultRegion: region,
        dataDir,
        ...(options.s3DataDir ? { s3StorageDir: options.s3DataDir } : {}),
      }),
    );
  } catch (error) {
    if (dataDir) releaseDataDir(dataDir);
    throw error;
  }
  const endpoint = server.address;
  const client = new SQSClient({ endpoint, region, credentials: LOCAL_AWS_CREDENTIALS });
  return {
    server,
    endpoint,
    client,
    dataDir,
    synchronous: databases.map((db) => Number(db.prepare('PRAGMA synchronous').get()?.synchronous))[0],
    stop: async () => {
      client.destroy();
      await server.stop();
      if (dataDir) releaseDataDir(dataDir);
    },
  };
}

/**
 * Creates the queues of serverless.yml, dead-letter queues first so redrive policies can name them.
 * A queue kept from an earlier run is reused with its messages (creating it again would replace it
 * empty); only attributes that serverless.yml has changed since are updated.
 */
export async function createQueues(
  sqs: LocalSqs,
  definitions: readonly QueueDefinition[],
): Promise<Map<string, LocalQueue>> {
  const created = new Map<string, LocalQueue>();
  const ordered = [...definitions].sort(
    (a, b) => Number(a.deadLetter !== undefined) - Number(b.deadLetter !== undefined),
  );
  for (const definition of ordered) {
    const attributes = { ...definition.attributes };
    if (definition.deadLetter) {
      const target = created.get(definition.deadLetter.logicalId);
      if (!target)
        throw new Error(
          `Queue ${definition.logicalId} names an unknown dead-letter queue ${definition.deadLetter.logicalId}`,
        );
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: target.arn,
        maxReceiveCount: definition.deadLetter.maxReceiveCount,
      });
    }
    const existing = sqs.server.inspectQueue(definition.name);
    if (existing) {
      const changed = Object.entries(attributes).filter(([key, value]) => existing.attributes[key] !== value);
      if (changed.length > 0)
        await sqs.client.send(
          new SetQueueAttributesCommand({ QueueUrl: existing.url, Attributes: Object.fromEntries(changed) }),
        );
      created.set(definition.logicalId, { name: definition.name, url: existing.url, arn: existing.arn });
    } else {
      const { queueUrl, queueArn } = sqs.server.createQueue(definition.name, { attributes });
      created.set(definition.logicalId, { name: definition.name, url: queueUrl, arn: queueArn });
    }
  }
  return created;
}

/** Messages kept from an earlier run, per queue name: waiting, and in flight when it stopped. */
export interface KeptMessages {
  waiting: number;
  released: number;
}

/**
 * Makes the messages that an earlier run had received (in flight when it stopped or crashed, or
 * hidden for a delayed retry) visible again within a second. The local hub is the only consumer of its
 * queues, so no one holds them any more; waiting out a 6-minute visibility timeout after every
 * restart would only delay them. Their receive counts stand, so redrive still counts deliveries.
 */
export async function releaseKeptMessages(sqs: LocalSqs, queues: Iterable<LocalQueue>): Promise<KeptMessages> {
  const kept: KeptMessages = { waiting: 0, released: 0 };
  for (const queue of queues) {
    const inspected = sqs.server.inspectQueue(queue.name);
    if (!inspected) continue;
    kept.waiting += inspected.messages.ready.length + inspected.messages.delayed.length;
    const handles = inspected.messages.inflight.map((entry) => entry.receiptHandle);
    for (const chunk of chunkByCount(handles, BATCH_ENTRIES)) {
      const Entries = chunk.map((handle, index) => ({
        Id: String(index),
        ReceiptHandle: handle,
        VisibilityTimeout: RELEASE_VISIBILITY_SECONDS,
      }));
      await sqs.client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queue.url, Entries }));
    }
    kept.released += handles.length;
  }
  return kept;
}

/**
 * Runs `start` with every SQLite database it opens in WAL mode set to `synchronous = NORMAL`: a
 * commit is written to the WAL (the operating system keeps it when the process dies, even by
 * `kill -9`) without an fsync of its own. fauxqs leaves SQLite's FULL, which fsyncs every message's
 * insert, receive and delete, some 2 ms each on a laptop disk, while its event loop waits.
 * fauxqs opens its database before its first `await`, so the patch is undone before anything else
 * can run. The connections it set are kept in `opened`.
 */
function withCommitsWithoutFsync<T>(opened: DatabaseSync[], start: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const exec = DatabaseSync.prototype.exec;
  DatabaseSync.prototype.exec = function (this: DatabaseSync, sql: string): void {
    exec.call(this, sql);
    if (!/^\s*PRAGMA\s+journal_mode\s*=\s*WAL\s*$/i.test(sql)) return;
    exec.call(this, 'PRAGMA synchronous = NORMAL');
    opened.push(this);
  };
  try {
    return start();
  } finally {
    DatabaseSync.prototype.exec = exec;
  }
}

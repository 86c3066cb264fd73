import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { deleteQueueData, queueDataDir } from '../../local/data-dir.js';
import { createQueues, releaseKeptMessages, startLocalSqs, type LocalSqs } from '../../local/local-sqs.js';
import type { QueueDefinition } from '../../local/serverless-definition.js';
import { sendBodies } from '../support/local-queues.js';

const definitions = (visibilityTimeout: number): QueueDefinition[] => [
  {
    logicalId: 'Main',
    name: 'main',
    visibilityTimeoutSeconds: visibilityTimeout,
    attributes: { VisibilityTimeout: String(visibilityTimeout) },
    deadLetter: { logicalId: 'Dlq', maxReceiveCount: 4 },
  },
  { logicalId: 'Dlq', name: 'main-dlq', visibilityTimeoutSeconds: 30, attributes: {} },
];

let folder: string;
let dataDir: string;
let running: LocalSqs[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'local-sqs-'));
  dataDir = queueDataDir(folder);
});
afterEach(async () => {
  await Promise.all(running.map((sqs) => sqs.stop()));
  running = [];
  rmSync(folder, { recursive: true, force: true });
});

async function start(): Promise<LocalSqs> {
  const sqs = await startLocalSqs({ dataDir });
  running.push(sqs);
  return sqs;
}
async function stop(sqs: LocalSqs): Promise<void> {
  running = running.filter((other) => other !== sqs);
  await sqs.stop();
}
async function receive(sqs: LocalSqs, url: string, visibility = 360) {
  const { Messages } = await sqs.client.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: visibility,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
}

describe('local SQS with a data folder', () => {
  it('keeps queues, redrive policies and messages across a restart; creating the queues again keeps them', async () => {
    const first = await start();
    const queues = await createQueues(first, definitions(360));
    await sendBodies(first, queues.get('Main')!.url, ['a', 'b', 'c']);
    await stop(first);

    const second = await start();
    const again = await createQueues(second, definitions(360));
    const url = again.get('Main')!.url;
    const { Attributes } = await second.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );

    expect((await receive(second, url)).map((message) => message.Body).sort()).toEqual(['a', 'b', 'c']);
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: again.get('Dlq')!.arn,
      maxReceiveCount: 4,
    });
  });

  it('commits each message to the WAL without an fsync of its own (synchronous = NORMAL)', async () => {
    const sqs = await start();

    const inMemory = await startLocalSqs();
    running.push(inMemory);

    expect(sqs.synchronous).toBe(1);
    expect(inMemory.synchronous).toBeUndefined();
  });

  it('applies an attribute changed since the last run without losing messages', async () => {
    const first = await start();
    await sendBodies(first, (await createQueues(first, definitions(360))).get('Main')!.url, ['a']);
    await stop(first);

    const second = await start();
    const url = (await createQueues(second, definitions(90))).get('Main')!.url;
    const { Attributes } = await second.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }),
    );

    expect(Attributes?.VisibilityTimeout).toBe('90');
    expect((await receive(second, url)).map((message) => message.Body)).toEqual(['a']);
  });

  it('releases what an earlier run had in flight, keeping its receive count', async () => {
    const first = await start();
    const url = (await createQueues(first, definitions(360))).get('Main')!.url;
    await sendBodies(first, url, ['a', 'b', 'c']);
    await receive(first, url);
    await stop(first);

    const second = await start();
    const queues = await createQueues(second, definitions(360));
    const kept = await releaseKeptMessages(second, queues.values());
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await receive(second, url);

    expect(kept).toEqual({ waiting: 0, released: 3 });
    expect(again.map((message) => [message.Body, message.Attributes?.ApproximateReceiveCount]).sort()).toEqual([
      ['a', '2'],
      ['b', '2'],
      ['c', '2'],
    ]);
  });

  it('lets one hub at a time use a folder, takes over one a dead hub left, and starts clean on request', async () => {
    const first = await start();

    await expect(startLocalSqs({ dataDir })).rejects.toThrow(/Another local hub \(pid \d+\) is using the queues/);
    expect(() => deleteQueueData(folder)).toThrow(/Another local hub/);
    await sendBodies(first, (await createQueues(first, definitions(360))).get('Main')!.url, ['a']);
    await stop(first);
    // A lock left behind by a process that no longer runs (e.g. after kill -9).
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dataDir, 'hub.pid'), String(dead));
    const second = await start();
    await stop(second);
    deleteQueueData(folder);
    const third = await start();
    const url = (await createQueues(third, definitions(360))).get('Main')!.url;

    expect(await receive(third, url)).toEqual([]);
  });
});

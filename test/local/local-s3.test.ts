import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { deleteS3Data, queueDataDir, s3DataDir } from '../../local/data-dir.js';
import { functionEnvironment } from '../../local/function-environment.js';
import { createBuckets } from '../../local/local-s3.js';
import { LOCAL_AWS_CREDENTIALS } from '../../local/local-credentials.js';
import { startLocalSqs, type LocalSqs } from '../../local/local-sqs.js';
import { readHubDefinition } from '../../local/serverless-definition.js';

const root = resolve(import.meta.dirname, '../..');
let folder: string;
let running: LocalSqs[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'local-s3-'));
});
afterEach(async () => {
  await Promise.all(running.map((sqs) => sqs.stop()));
  running = [];
  rmSync(folder, { recursive: true, force: true });
});

async function start(): Promise<LocalSqs> {
  const sqs = await startLocalSqs({ dataDir: queueDataDir(folder), s3DataDir: s3DataDir(folder) });
  running.push(sqs);
  return sqs;
}
async function stop(sqs: LocalSqs): Promise<void> {
  running = running.filter((other) => other !== sqs);
  await sqs.stop();
}
const s3Of = (sqs: LocalSqs) =>
  new S3Client({
    endpoint: sqs.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: LOCAL_AWS_CREDENTIALS,
  });

describe('the buckets of serverless.yml', () => {
  const definition = readHubDefinition(join(root, 'serverless.yml'), { stage: 'local', region: 'us-east-1', env: {} });

  it('names them as CloudFormation would, less the random suffix; resolves !Ref and !Join in the environment', () => {
    const buckets = new Map(
      definition.buckets.map((bucket) => [bucket.logicalId, { name: bucket.name, arn: `arn:aws:s3:::${bucket.name}` }]),
    );
    const env = functionEnvironment(definition.functions, {
      queues: new Map(definition.queues.map((queue) => [queue.logicalId, { name: queue.name, url: 'u', arn: 'a' }])),
      tables: new Map([['StateTable', { name: 'switchboard-local-state', arn: 'arn:table' }]]),
      buckets,
    });

    expect(definition.buckets).toEqual([
      { logicalId: 'StagingBucket', name: 'switchboard-local-stagingbucket' },
      { logicalId: 'UsageExportBucket', name: 'switchboard-local-usageexportbucket' },
    ]);
    expect(env).toMatchObject({
      STAGING_BUCKET: 'switchboard-local-stagingbucket',
      USAGE_SOURCE: 's3://switchboard-local-usageexportbucket/usage/{date}/',
      USAGE_SYNC_CONFIG: '',
    });
  });

  it('creates them in the local S3, keeping their objects as files across a restart until a fresh start', async () => {
    const first = await start();
    const buckets = createBuckets(first, definition.buckets);
    const bucket = buckets.get('UsageExportBucket')!.name;
    await s3Of(first).send(new PutObjectCommand({ Bucket: bucket, Key: 'usage/2026-12-01/part-0.ndjson', Body: 'x' }));
    await stop(first);

    const second = await start();
    createBuckets(second, definition.buckets);
    const kept = await s3Of(second).send(
      new GetObjectCommand({ Bucket: bucket, Key: 'usage/2026-12-01/part-0.ndjson' }),
    );
    expect(await kept.Body?.transformToString()).toBe('x');
    await stop(second);

    deleteS3Data(folder);
    const third = await start();
    createBuckets(third, definition.buckets);
    await expect(
      s3Of(third).send(new GetObjectCommand({ Bucket: bucket, Key: 'usage/2026-12-01/part-0.ndjson' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});

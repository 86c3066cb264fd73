import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoStateStore } from '../../lib/clients/state-store.js';
import {
  deleteDynamoDbData,
  dynamoDbDataDir,
  queueDataDir,
  releaseDataDir,
  takeDataDir,
} from '../../local/data-dir.js';
import { functionEnvironment } from '../../local/function-environment.js';
import { createTables, startLocalDynamoDb, type LocalDynamoDb } from '../../local/local-dynamodb.js';
import { LOCAL_AWS_CREDENTIALS } from '../../local/local-credentials.js';
import { readHubDefinition } from '../../local/serverless-definition.js';
import { startHubProcess } from '../support/hub-process.js';
import { stateTable } from '../support/local-state-table.js';

const root = resolve(import.meta.dirname, '../..');
const item = { pk: 'usage#account#a1', sk: 'part#0', parts: 1, groupHash: '0123456789abcdef' };

let folder: string;
let running: LocalDynamoDb[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'local-dynamodb-'));
});
afterEach(async () => {
  await Promise.all(running.map((db) => db.stop()));
  running = [];
  rmSync(folder, { recursive: true, force: true });
});

async function start(): Promise<LocalDynamoDb> {
  const db = await startLocalDynamoDb({ dataDir: dynamoDbDataDir(folder) });
  running.push(db);
  return db;
}
async function stop(db: LocalDynamoDb): Promise<void> {
  running = running.filter((other) => other !== db);
  await db.stop();
}

describe('the tables of serverless.yml', () => {
  it('reads StateTable with its stage name and pk/sk key, and gives functions its name', () => {
    const definition = readHubDefinition(join(root, 'serverless.yml'), {
      stage: 'local',
      region: 'us-east-1',
      env: {},
    });
    const table = definition.tables.find((candidate) => candidate.logicalId === 'StateTable');
    const env = functionEnvironment(definition.functions, {
      queues: new Map(definition.queues.map((queue) => [queue.logicalId, { name: queue.name, url: 'u', arn: 'a' }])),
      tables: new Map([['StateTable', { name: 'switchboard-local-state', arn: 'arn:table' }]]),
      buckets: new Map(definition.buckets.map((bucket) => [bucket.logicalId, { name: bucket.name, arn: 'arn:b' }])),
    });

    expect(table).toEqual(stateTable('switchboard-local-state'));
    expect(env.STATE_TABLE).toBe('switchboard-local-state');
  });

  it('resolves !GetAtt Table.Arn, and refuses a reference to a resource the local runtime does not have', () => {
    const resources = {
      queues: new Map(),
      tables: new Map([['StateTable', { name: 't', arn: 'arn:t' }]]),
      buckets: new Map(),
    };
    const fn = (environment: Record<string, unknown>) => [
      {
        name: 'f',
        module: 'm',
        exportName: 'h',
        timeoutSeconds: 6,
        memorySize: 512,
        environment,
        routes: [],
        sqs: [],
        schedules: [],
      },
    ];

    expect(functionEnvironment(fn({ ARN: { 'Fn::GetAtt': ['StateTable', 'Arn'] } }), resources)).toEqual({
      ARN: 'arn:t',
    });
    expect(() => functionEnvironment(fn({ X: { Ref: 'Nope' } }), resources)).toThrow('not a queue, table or bucket');
  });
});

describe('local DynamoDB with a data folder', () => {
  it('keeps tables and items across a restart; creating the tables again keeps them', async () => {
    const first = await start();
    const tables = await createTables(first, [stateTable('kept-state')]);
    await new DynamoStateStore(first.client, 'kept-state').put(item);
    await stop(first);

    const second = await start();
    const again = await createTables(second, [stateTable('kept-state')]);

    expect(tables.get('StateTable')?.arn).toMatch(/^arn:aws:dynamodb:.*:table\/kept-state$/);
    expect(again).toEqual(tables);
    expect(await new DynamoStateStore(second.client, 'kept-state').get(item)).toEqual(item);
  });

  it('refuses a kept table whose key serverless.yml has since changed, naming --fresh', async () => {
    const first = await start();
    await createTables(first, [stateTable('rekeyed')]);
    await stop(first);
    const second = await start();
    const onlyPk = { ...stateTable('rekeyed'), keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }] };

    await expect(createTables(second, [onlyPk])).rejects.toThrow(/has the key pk HASH, sk RANGE.*--fresh/);
  });

  it('deletes the tables for a fresh start, but never under a running hub', async () => {
    const first = await start();
    await createTables(first, [stateTable('wiped')]);
    await new DynamoStateStore(first.client, 'wiped').put(item);
    await stop(first);

    takeDataDir(queueDataDir(folder));
    const refused = (() => {
      try {
        deleteDynamoDbData(folder);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    releaseDataDir(queueDataDir(folder));
    deleteDynamoDbData(folder);
    const second = await start();
    await createTables(second, [stateTable('wiped')]);

    expect(String(refused)).toMatch(/Another local hub/);
    expect(await new DynamoStateStore(second.client, 'wiped').get(item)).toBeUndefined();
  });
});

describe('npm start', () => {
  it('serves the state table, keeps its items through kill -9, and starts empty with --fresh', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-dynamodb-'));
    const env = { SWITCHBOARD_DATA_DIR: dataDir };
    const endpointOf = (output: string) => /DynamoDB \(local\): (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
    const storeAt = (endpoint: string) => {
      const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
      return { client, store: new DynamoStateStore(client, 'switchboard-local-state') };
    };
    try {
      const first = await startHubProcess(env);
      const a = storeAt(endpointOf(first.output()));
      await a.store.put(item);
      a.client.destroy();
      await first.stop('SIGKILL');

      const second = await startHubProcess(env);
      const b = storeAt(endpointOf(second.output()));
      const afterKill = await b.store.get(item);
      b.client.destroy();
      const stopped = await second.stop('SIGINT');

      const third = await startHubProcess(env, ['--fresh']);
      const c = storeAt(endpointOf(third.output()));
      const afterFresh = await c.store.get(item);
      const { Table } = await c.client.send(new DescribeTableCommand({ TableName: 'switchboard-local-state' }));
      c.client.destroy();
      await third.stop('SIGINT');

      expect(first.output()).toContain('tables: switchboard-local-state');
      expect(first.output()).toContain(`kept in ${join(dataDir, 'dynamodb')} across stops and crashes`);
      expect(afterKill).toEqual(item);
      expect(stopped).toBe(0);
      expect(afterFresh).toBeUndefined();
      expect(Table?.KeySchema).toEqual(stateTable('').keySchema);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

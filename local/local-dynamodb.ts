import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { LOCAL_AWS_CREDENTIALS } from './local-credentials.js';
import type { TableDefinition } from './serverless-definition.js';

export interface LocalTable {
  name: string;
  arn: string;
}

export interface LocalDynamoDb {
  endpoint: string;
  client: DynamoDBClient;
  /** Where the tables are kept (LevelDB), or undefined when they live in memory only. */
  dataDir: string | undefined;
  stop(): Promise<void>;
}

export interface LocalDynamoDbOptions {
  /** 0 picks a free port. */
  port?: number;
  region?: string;
  /** Keeps tables and items in LevelDB in this folder, so they survive a stop, a crash or `kill -9`. */
  dataDir?: string;
}

/**
 * Starts an in-process DynamoDB-compatible server (dynalite) on loopback. With a `dataDir`, an
 * item is in LevelDB's log before DynamoDB answers; the operating system keeps it when the
 * process dies, as it keeps the local queues' SQLite writes.
 */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const { dataDir } = options;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // A table is ACTIVE as soon as it is created: nothing waits for it locally.
  const server = dynalite({ ...(dataDir ? { path: dataDir } : {}), createTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: options.region ?? 'us-east-1',
    credentials: LOCAL_AWS_CREDENTIALS,
  });
  return {
    endpoint,
    client,
    dataDir,
    stop: async () => {
      client.destroy();
      // dynalite's close also closes LevelDB, once the requests in progress have finished.
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * Creates the tables of serverless.yml. A table kept from an earlier run is reused with its items,
 * unless serverless.yml has since changed its key, which only a fresh start can apply.
 */
export async function createTables(
  db: LocalDynamoDb,
  definitions: readonly TableDefinition[],
): Promise<Map<string, LocalTable>> {
  const created = new Map<string, LocalTable>();
  for (const definition of definitions) {
    let table = await describe(db, definition.name);
    if (table) {
      const [kept, declared] = [keyText(table.KeySchema ?? []), keyText(definition.keySchema)];
      if (kept !== declared)
        throw new Error(
          `The local table ${definition.name} has the key ${kept}, and serverless.yml now declares ` +
            `${declared}; npm start -- --fresh starts with new tables.`,
        );
    } else {
      ({ TableDescription: table } = await db.client.send(
        new CreateTableCommand({
          TableName: definition.name,
          KeySchema: definition.keySchema,
          AttributeDefinitions: definition.attributeDefinitions,
          BillingMode: 'PAY_PER_REQUEST',
        }),
      ));
    }
    await untilActive(db, definition.name);
    created.set(definition.logicalId, { name: definition.name, arn: table?.TableArn ?? '' });
  }
  return created;
}

async function describe(db: LocalDynamoDb, name: string): Promise<TableDescription | undefined> {
  try {
    return (await db.client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    // By name: under jest's VM modules the SDK's error classes may come from another realm.
    if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function untilActive(db: LocalDynamoDb, name: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await describe(db, name))?.TableStatus === 'ACTIVE') return;
    await sleep(20);
  }
  throw new Error(`The local table ${name} did not become active; npm start -- --fresh starts with new tables.`);
}

/** `pk HASH, sk RANGE`. */
function keyText(keySchema: readonly KeySchemaElement[]): string {
  return keySchema.map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ');
}

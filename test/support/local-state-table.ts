import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStateStore, type UnprocessedRetry } from '../../lib/clients/state-store.js';
import { createTables, startLocalDynamoDb, type LocalDynamoDb } from '../../local/local-dynamodb.js';
import { LOCAL_AWS_CREDENTIALS } from '../../local/local-credentials.js';
import type { TableDefinition } from '../../local/serverless-definition.js';

/** The state table's shape, as serverless.yml declares it. */
export const stateTable = (name: string): TableDefinition => ({
  logicalId: 'StateTable',
  name,
  keySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  attributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
});

/** What a test may do to the requests of a store: hold back keys or items, as DynamoDB does under load. */
export interface Interference {
  /** How many keys or write requests of this call (1, 2...) of the operation to report unprocessed. */
  unprocessed?: (operation: 'BatchGetItem' | 'BatchWriteItem', call: number, size: number) => number;
  /** An error to throw instead of sending this call. */
  fail?: (operation: string, call: number) => Error | undefined;
}

/**
 * A `DynamoStateStore` on the local DynamoDB whose SDK client counts the calls it sends (by
 * operation: `BatchGetItem`...) and lets a test interfere with them, through an SDK middleware.
 */
export function probedStore(
  db: LocalDynamoDb,
  tableName: string,
  interference: Interference = {},
  retry?: UnprocessedRetry,
): { store: DynamoStateStore; calls: string[]; count(operation: string): number } {
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
  const calls: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      calls.push(operation);
      const call = calls.filter((name) => name === operation).length;
      const failure = interference.fail?.(operation, call);
      if (failure) throw failure;
      if (operation !== 'BatchGetItem' && operation !== 'BatchWriteItem') return next(args);
      // Requests stay in the document form here: lib-dynamodb marshals them later in the stack.
      const input = args.input as { RequestItems: Record<string, { Keys: unknown[] } | unknown[]> };
      const requests = input.RequestItems[tableName]!;
      const list = Array.isArray(requests) ? requests : requests.Keys;
      const held = Math.min(list.length, interference.unprocessed?.(operation, call, list.length) ?? 0);
      if (held === 0) return next(args);
      const sent = list.slice(0, list.length - held);
      const kept = list.slice(list.length - held);
      // DynamoDB refuses an empty batch: a call that holds back everything is answered here.
      const result = (
        sent.length === 0
          ? { output: { $metadata: {} } }
          : await next({
              ...args,
              input: { RequestItems: { [tableName]: Array.isArray(requests) ? sent : { ...requests, Keys: sent } } },
            })
      ) as { output: Record<string, unknown> };
      if (operation === 'BatchGetItem') result.output.UnprocessedKeys = { [tableName]: { Keys: kept } };
      else result.output.UnprocessedItems = { [tableName]: kept };
      return result as never;
    },
    { step: 'initialize', name: 'probe' },
  );
  return {
    store: new DynamoStateStore(client, tableName, retry),
    calls,
    count: (operation) => calls.filter((name) => name === operation).length,
  };
}

/** A local DynamoDB in memory with one state table. */
export async function startStateTable(name: string): Promise<LocalDynamoDb> {
  const db = await startLocalDynamoDb();
  await createTables(db, [stateTable(name)]);
  return db;
}

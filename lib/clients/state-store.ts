import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from '../zod-mini.js';
import { chunkByCount } from '../batching.js';
import { PermanentError, RetryableError } from '../errors.js';
import { conditionExpressions, updateExpressions, type StateUpdate } from './state-expressions.js';

/** Where the state table is; `DYNAMODB_ENDPOINT` only for the local one (dynalite). */
export const stateStoreSettings = {
  STATE_TABLE: z.string().check(z.minLength(3)),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
};

/** Every item of the state table is found by a partition key and a sort key, both strings. */
export interface StateKey {
  pk: string;
  sk: string;
}

/** An item: its key and any attributes; `expiresAt` (epoch seconds) is the table's TTL. */
export type StateItem = StateKey & Record<string, unknown>;

/** The hub's small shared state (sync hashes, budgets, caches) behind one interface, so callers take fakes. */
export interface StateStore {
  get(key: StateKey): Promise<StateItem | undefined>;
  /** One entry per key, in order (`undefined` where there is no item), with BatchGetItem calls of 100 keys. */
  getMany(keys: readonly StateKey[]): Promise<Array<StateItem | undefined>>;
  /** Writes the whole item; with `ifAbsent`, a `ConditionFailed` when one with its key exists. */
  put(item: StateItem, options?: { ifAbsent?: boolean }): Promise<void>;
  /** Writes whole items with BatchWriteItem calls of 25; of items with one key, the last wins. */
  putMany(items: readonly StateItem[]): Promise<void>;
  deleteMany(keys: readonly StateKey[]): Promise<void>;
  /** Changes attributes in place (creating the item); a `ConditionFailed` when the condition does not hold. */
  update(key: StateKey, update: StateUpdate & { returnValues: 'ALL_NEW' }): Promise<StateItem>;
  update(key: StateKey, update: StateUpdate): Promise<StateItem | undefined>;
}

/**
 * The condition of a put or an update did not hold: nothing was written. Neither retryable nor
 * permanent in itself: the caller decides (uncaught, it is retried as any unknown error is).
 */
export class ConditionFailed extends Error {
  override readonly name = 'ConditionFailed';

  constructor(
    readonly key: StateKey,
    options: { cause?: unknown } = {},
  ) {
    super(`The condition on state item ${key.pk} / ${key.sk} did not hold`, options);
  }
}

/** DynamoDB's limits: 100 keys per BatchGetItem, 25 requests per BatchWriteItem. */
export const BATCH_GET_KEYS = 100;
export const BATCH_WRITE_ITEMS = 25;

/** How often unprocessed keys and items are sent again, and the first wait (it doubles, with jitter). */
export interface UnprocessedRetry {
  attempts: number;
  baseDelayMs: number;
}
const DEFAULT_RETRY: UnprocessedRetry = { attempts: 8, baseDelayMs: 25 };
const MAX_DELAY_MS = 1000;

type WriteRequest = { PutRequest: { Item: StateItem } } | { DeleteRequest: { Key: StateKey } };

/**
 * The state store on one DynamoDB table (`pk` + `sk`, TTL on `expiresAt`). Items past their
 * `expiresAt` read as absent: DynamoDB deletes expired items only within a few days, and the local
 * DynamoDB never does. Conditions and updates still see them until they are deleted.
 */
export class DynamoStateStore implements StateStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly retry: UnprocessedRetry = DEFAULT_RETRY,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** The store on a table; pass `endpoint` for the local DynamoDB. */
  static create(options: { tableName: string; endpoint?: string | undefined; region?: string }): DynamoStateStore {
    const client = new DynamoDBClient({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    });
    return new DynamoStateStore(client, options.tableName);
  }

  async get(key: StateKey): Promise<StateItem | undefined> {
    const { Item } = await this.send('GetItem', () =>
      this.documents.send(new GetCommand({ TableName: this.tableName, Key: keyOf(key) })),
    );
    return live(Item as StateItem | undefined);
  }

  async getMany(keys: readonly StateKey[]): Promise<Array<StateItem | undefined>> {
    const unique = [...new Map(keys.map((key) => [keyText(key), keyOf(key)])).values()];
    const found = new Map<string, StateItem>();
    for (const chunk of chunkByCount(unique, BATCH_GET_KEYS)) {
      let pending = chunk;
      await this.untilProcessed('BatchGetItem', pending.length, async () => {
        const output = await this.documents.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }),
        );
        for (const item of (output.Responses?.[this.tableName] ?? []) as StateItem[]) found.set(keyText(item), item);
        pending = (output.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as StateKey[];
        return pending.length;
      });
    }
    return keys.map((key) => live(found.get(keyText(key))));
  }

  async put(item: StateItem, options: { ifAbsent?: boolean } = {}): Promise<void> {
    const condition = options.ifAbsent ? conditionExpressions({ exists: false }, 'pk') : {};
    await this.send(
      'PutItem',
      () => this.documents.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition })),
      item,
    );
  }

  async putMany(items: readonly StateItem[]): Promise<void> {
    const latest = new Map(items.map((item) => [keyText(item), item]));
    await this.writeBatches([...latest.values()].map((item) => ({ PutRequest: { Item: item } })));
  }

  async deleteMany(keys: readonly StateKey[]): Promise<void> {
    const unique = new Map(keys.map((key) => [keyText(key), keyOf(key)]));
    await this.writeBatches([...unique.values()].map((key) => ({ DeleteRequest: { Key: key } })));
  }

  update(key: StateKey, update: StateUpdate & { returnValues: 'ALL_NEW' }): Promise<StateItem>;
  update(key: StateKey, update: StateUpdate): Promise<StateItem | undefined>;
  async update(key: StateKey, update: StateUpdate): Promise<StateItem | undefined> {
    const command = new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(key),
      ...updateExpressions(update, 'pk'),
      ...(update.returnValues ? { ReturnValues: update.returnValues } : {}),
    });
    const { Attributes } = await this.send('UpdateItem', () => this.documents.send(command), key);
    return Attributes as StateItem | undefined;
  }

  private async writeBatches(requests: readonly WriteRequest[]): Promise<void> {
    for (const chunk of chunkByCount(requests, BATCH_WRITE_ITEMS)) {
      let pending = chunk;
      await this.untilProcessed('BatchWriteItem', pending.length, async () => {
        const output = await this.documents.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = (output.UnprocessedItems?.[this.tableName] ?? []) as WriteRequest[];
        return pending.length;
      });
    }
  }

  /**
   * Calls `attempt` (which answers how many keys or items are still unprocessed) until none is,
   * waiting between calls as DynamoDB asks of batch callers; gives up after a bounded number.
   */
  private async untilProcessed(operation: string, size: number, attempt: () => Promise<number>): Promise<void> {
    for (let call = 1; ; call++) {
      const unprocessed = await this.send(operation, attempt);
      if (unprocessed === 0) return;
      if (call >= this.retry.attempts)
        throw new RetryableError(`${operation}: ${unprocessed} of ${size} still unprocessed after ${call} calls`);
      const ceiling = Math.min(MAX_DELAY_MS, this.retry.baseDelayMs * 2 ** (call - 1));
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }

  private async send<T>(operation: string, call: () => Promise<T>, key?: StateKey): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw classify(error, `${operation} on ${this.tableName}`, key);
    }
  }
}

// Failures an operator fixes (credentials, permissions, a missing table): the messages wait in the
// queue meanwhile instead of being dead-lettered.
const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'InternalServerError',
  'ServiceUnavailable',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'ExpiredTokenException',
  'ResourceNotFoundException',
  'CredentialsProviderError',
]);

/** DynamoDB errors (after the SDK's own retries) as the hub's kinds of failure (DESIGN.md §5). */
function classify(error: unknown, what: string, key: StateKey | undefined): Error {
  const { name, message, $fault, $metadata } = (error ?? {}) as {
    name?: string;
    message?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if (name === 'ConditionalCheckFailedException' && key) return new ConditionFailed(keyOf(key), { cause: error });
  const text = `${what} failed: ${name ?? 'Error'}: ${message ?? String(error)}`;
  // The SDK's retries stamp `$metadata` on what they give up on; without it the request was never
  // sent: a value the SDK cannot marshal (a Date, a class instance), which no retry can change.
  if ($metadata === undefined && !RETRYABLE_NAMES.has(name ?? ''))
    return new PermanentError(text, { code: 'STATE_STORE_INVALID', cause: error });
  const status = $metadata?.httpStatusCode;
  // No status: the request got no answer (a refused or reset connection, a timeout).
  if (RETRYABLE_NAMES.has(name ?? '') || $fault === 'server' || status === undefined || status >= 500 || status === 429)
    return new RetryableError(text, { cause: error });
  return new PermanentError(text, {
    code: name === 'ValidationException' ? 'STATE_STORE_INVALID' : 'STATE_STORE_REJECTED',
    cause: error,
  });
}

function keyOf(key: StateKey): StateKey {
  return { pk: key.pk, sk: key.sk };
}

function keyText(key: StateKey): string {
  return JSON.stringify([key.pk, key.sk]);
}

function live(item: StateItem | undefined): StateItem | undefined {
  const expiresAt = item?.expiresAt;
  return typeof expiresAt === 'number' && expiresAt * 1000 <= Date.now() ? undefined : item;
}

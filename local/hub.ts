import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventSourceMapping, type Invocation } from './event-source-mapping.js';
import { WorkerEnvironment } from './execution-environment.js';
import { functionEnvironment } from './function-environment.js';
import { HttpGateway, type GatewayRoute, type HttpLambdaHandler, type LocalService } from './http-gateway.js';
import { LambdaInvokeApi } from './lambda-invoke-api.js';
import { createTables, startLocalDynamoDb, type LocalDynamoDb, type LocalTable } from './local-dynamodb.js';
import { createBuckets, type LocalBucket } from './local-s3.js';
import { LOCAL_AWS_CREDENTIALS } from './local-credentials.js';
import {
  createQueues,
  releaseKeptMessages,
  startLocalSqs,
  type KeptMessages,
  type LocalQueue,
  type LocalSqs,
} from './local-sqs.js';
import {
  readHubDefinition,
  type FunctionDefinition,
  type HubDefinition,
  type QueueDefinition,
} from './serverless-definition.js';

export interface HubOptions {
  /** The folder holding serverless.yml, functions/ and lib/. */
  root: string;
  /** 0 picks a free port. */
  port?: number;
  sqsPort?: number;
  dynamoDbPort?: number;
  region?: string;
  /**
   * Keeps the queues and their messages in SQLite in this folder, so that what was accepted
   * survives a stop, a crash or `kill -9`; without it they live in memory.
   */
  queueDataDir?: string;
  /** Keeps the S3 buckets' objects as files in this folder; without it they are kept with the queues. */
  s3DataDir?: string;
  /** Keeps the DynamoDB tables and their items in LevelDB in this folder; without it they live in memory. */
  dynamoDbDataDir?: string;
  /** Fault injection for soak tests: terminate a slot's worker mid-invocation, every N-th invocation. */
  slotCrashEvery?: number;
  /**
   * For soak tests: the visibility timeout of the work queues, in place of serverless.yml's
   * (6 × the function timeout), so that the messages of a crashed slot come back in seconds
   * rather than minutes. Only the wait changes, not what happens.
   */
  queueVisibilitySeconds?: number;
  /**
   * For tests: the longest batching window of any SQS event source, in seconds, over
   * serverless.yml's (up to 10 s), so that each hop of an end-to-end test waits a moment rather
   * than a whole window. Only the wait changes, not what happens: the same messages are relayed,
   * in smaller batches where a longer window would have gathered more. `npm start` and
   * `npm run bench` keep serverless.yml's windows.
   */
  maxBatchingWindowSeconds?: number;
  /**
   * Settings for the functions, over serverless.yml's `environment` (e.g. the sandbox URLs and
   * credentials, or real ones from `.env`).
   */
  env: Record<string, string>;
  onInvocation?: (invocation: Invocation) => void;
  /**
   * Starts with every SQS consumer stopped until `startConsumers()`, so that what is sent meanwhile
   * waits on the queues as a backlog (as when a deployment's event source mappings are disabled).
   */
  consumersPaused?: boolean;
  /** Told about each invocation through the Lambda Invoke API. */
  onInvoke?: (line: string) => void;
}

export interface RunningHub extends LocalServices {
  url: string;
  definition: HubDefinition;
  /**
   * Serves a local service (e.g. the console) on the hub's port, beside the HTTP API; it is
   * asked first, so it must claim only paths of its own.
   */
  serve(service: LocalService): void;
  /** Starts the SQS consumers of a hub started with `consumersPaused` (nothing otherwise). */
  startConsumers(): Promise<void>;
  /**
   * Stops in the order that loses nothing: the HTTP API (no new messages), then polling; the
   * invocations in flight finish (their follow-up messages reach the queues, their state the
   * tables), then SQS and DynamoDB.
   */
  stop(): Promise<void>;
}

/** The local AWS services the functions use, with serverless.yml's resources in them. */
interface LocalServices {
  sqs: LocalSqs;
  /** Local queues by logical id (e.g. `MixpanelQueue`). */
  queues: Map<string, LocalQueue>;
  /** Messages found on the queues at start, kept from an earlier run. */
  kept: KeptMessages;
  dynamoDb: LocalDynamoDb;
  /** Local DynamoDB tables by logical id (e.g. `StateTable`). */
  tables: Map<string, LocalTable>;
  /** Local S3 buckets by logical id (e.g. `UsageExportBucket`), served on the SQS endpoint. */
  buckets: Map<string, LocalBucket>;
}

/**
 * Runs the whole hub of serverless.yml: a local SQS in this process with every queue and its
 * redrive policy and every S3 bucket, a local DynamoDB with every table, every HTTP route behind a
 * local HTTP API (ingress keeps no state between requests, so its handlers run in this thread),
 * every SQS consumer driven as Lambda drives it, each concurrent slot in a worker thread of its
 * own, and the Lambda Invoke API for every function on the same port.
 * Functions read `process.env` at load, so it is set before they are imported.
 */
export async function startHub(options: HubOptions): Promise<RunningHub> {
  const region = options.region ?? 'us-east-1';
  const definition = readHubDefinition(resolve(options.root, 'serverless.yml'), {
    stage: 'local',
    region,
    env: process.env,
  });
  const sqs = await startLocalSqs({
    port: options.sqsPort ?? 0,
    region,
    dataDir: options.queueDataDir,
    s3DataDir: options.s3DataDir,
  });
  let dynamoDb: LocalDynamoDb | undefined;
  try {
    const queues = await createQueues(sqs, withVisibility(definition, options));
    const kept = await releaseKeptMessages(sqs, queues.values());
    const buckets = createBuckets(sqs, definition.buckets);
    dynamoDb = await startLocalDynamoDb({ port: options.dynamoDbPort ?? 0, region, dataDir: options.dynamoDbDataDir });
    const tables = await createTables(dynamoDb, definition.tables);
    return await startFunctions(options, definition, { sqs, queues, kept, dynamoDb, tables, buckets });
  } catch (error) {
    await dynamoDb?.stop();
    await sqs.stop();
    throw error;
  }
}

async function startFunctions(
  options: HubOptions,
  definition: HubDefinition,
  services: LocalServices,
): Promise<RunningHub> {
  const region = options.region ?? 'us-east-1';
  const { sqs, queues, dynamoDb } = services;

  Object.assign(
    process.env,
    functionEnvironment(definition.functions, services),
    {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
      SQS_ENDPOINT: sqs.endpoint,
      // fauxqs serves S3 on its SQS endpoint.
      S3_ENDPOINT: sqs.endpoint,
      DYNAMODB_ENDPOINT: dynamoDb.endpoint,
      SWITCHBOARD_STAGE: 'local',
    },
    options.env,
  );

  const mappings = definition.functions.flatMap((fn) =>
    fn.sqs.map((source) => {
      const queue = queues.get(source.queueLogicalId);
      if (!queue) throw new Error(`Function ${fn.name} reads an unknown queue ${source.queueLogicalId}`);
      const moduleUrl = moduleUrlOf(options.root, fn);
      return new EventSourceMapping({
        functionName: fn.name,
        environment: () =>
          new WorkerEnvironment({
            functionName: fn.name,
            moduleUrl,
            exportName: fn.exportName,
            memorySize: fn.memorySize,
          }),
        sqs: sqs.client,
        queueUrl: queue.url,
        queueArn: queue.arn,
        region,
        batchSize: source.batchSize,
        maximumBatchingWindowSeconds: source.maximumBatchingWindowSeconds,
        maxBatchingWindowSeconds: options.maxBatchingWindowSeconds,
        maximumConcurrency: source.maximumConcurrency,
        reportBatchItemFailures: source.reportBatchItemFailures,
        timeoutSeconds: fn.timeoutSeconds,
        crashEvery: options.slotCrashEvery,
        ...(options.onInvocation ? { onInvocation: options.onInvocation } : {}),
      });
    }),
  );

  // Each consumer's first slot starts in its worker while this thread loads the HTTP functions; a
  // function that cannot load stops the start.
  const startMappings = (): Promise<PromiseSettledResult<void>[]> =>
    Promise.allSettled(mappings.map((mapping) => mapping.start()));
  let starting = options.consumersPaused ? Promise.resolve([]) : startMappings();
  let gateway: HttpGateway | undefined;
  const invokeApi = new LambdaInvokeApi({
    functions: definition.functions.map((fn) => ({
      name: fn.name,
      timeoutSeconds: fn.timeoutSeconds,
      environment: () =>
        new WorkerEnvironment({
          functionName: fn.name,
          moduleUrl: moduleUrlOf(options.root, fn),
          exportName: fn.exportName,
          memorySize: fn.memorySize,
        }),
    })),
    namePrefix: `${definition.service}-${definition.stage}-`,
    region,
    ...(options.onInvoke ? { onInvoke: options.onInvoke } : {}),
  });
  const stopFunctions = async (): Promise<void> => {
    await gateway?.close();
    await starting;
    await Promise.all([...mappings.map((mapping) => mapping.stop()), invokeApi.stop()]);
  };
  try {
    gateway = new HttpGateway(await httpRoutes(options.root, definition.functions), [invokeApi]);
    const failed = (await starting).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const listening = gateway;
    const url = await listening.listen(options.port ?? 0);
    return {
      url,
      definition,
      ...services,
      serve: (service) => listening.serve(service),
      startConsumers: async () => {
        starting = startMappings();
        const failed = (await starting).find((result) => result.status === 'rejected');
        if (failed) throw failed.reason;
      },
      stop: async () => {
        await stopFunctions();
        await sqs.stop();
        await dynamoDb.stop();
      },
    };
  } catch (error) {
    await stopFunctions();
    throw error;
  }
}

function moduleUrlOf(root: string, fn: FunctionDefinition): string {
  return pathToFileURL(resolve(root, `${fn.module}.ts`)).href;
}

/** The HTTP routes of every function, with their handlers loaded in this thread. */
async function httpRoutes(root: string, functions: readonly FunctionDefinition[]): Promise<GatewayRoute[]> {
  const routes: GatewayRoute[] = [];
  for (const fn of functions.filter((candidate) => candidate.routes.length > 0)) {
    const handler = ((await import(moduleUrlOf(root, fn))) as Record<string, unknown>)[fn.exportName];
    if (typeof handler !== 'function')
      throw new Error(`${fn.module}.ts does not export a function named ${fn.exportName}`);
    for (const route of fn.routes) {
      routes.push({
        ...route,
        functionName: fn.name,
        timeoutSeconds: fn.timeoutSeconds,
        handler: handler as HttpLambdaHandler,
      });
    }
  }
  return routes;
}

/**
 * The work queues (those with a dead-letter queue) with another visibility timeout, if one is set.
 * A batch stays in flight while its batching window fills: a timeout no longer than the window
 * would hand the same messages to a second poller and make the first one's deletes fail.
 */
function withVisibility(
  definition: HubDefinition,
  { queueVisibilitySeconds: seconds, maxBatchingWindowSeconds: cap = Infinity }: HubOptions,
): QueueDefinition[] {
  if (seconds === undefined) return [...definition.queues];
  const window = Math.max(
    0,
    ...definition.functions.flatMap((fn) => fn.sqs.map((source) => Math.min(source.maximumBatchingWindowSeconds, cap))),
  );
  if (seconds <= window)
    throw new Error(
      `A queue visibility timeout of ${seconds} s must be longer than the longest batching window (${window} s)`,
    );
  return definition.queues.map((queue) =>
    queue.deadLetter ? { ...queue, attributes: { ...queue.attributes, VisibilityTimeout: String(seconds) } } : queue,
  );
}

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventSourceMapping, type Invocation, type SqsLambdaHandler } from './event-source-mapping.js';
import { HttpGateway, type GatewayRoute, type HttpLambdaHandler } from './http-gateway.js';
import { createQueues, LOCAL_AWS_CREDENTIALS, startLocalSqs, type LocalQueue, type LocalSqs } from './local-sqs.js';
import { readHubDefinition, type FunctionDefinition, type HubDefinition } from './serverless-definition.js';

export interface HubOptions {
  /** The folder holding serverless.yml, functions/ and lib/. */
  root: string;
  /** 0 picks a free port. */
  port?: number;
  sqsPort?: number;
  region?: string;
  /**
   * Settings for the functions, over serverless.yml's `environment` (e.g. the sandbox URLs and
   * credentials, or real ones from `.env`).
   */
  env: Record<string, string>;
  onInvocation?: (invocation: Invocation) => void;
}

export interface RunningHub {
  url: string;
  definition: HubDefinition;
  sqs: LocalSqs;
  /** Local queues by logical id (e.g. `MixpanelQueue`). */
  queues: Map<string, LocalQueue>;
  stop(): Promise<void>;
}

/**
 * Runs the whole hub of serverless.yml in this process: a local SQS with every queue and its
 * redrive policy, every HTTP route behind a local HTTP API, and every SQS consumer driven as
 * Lambda drives it. Functions read `process.env` at load, so it is set before they are imported.
 */
export async function startHub(options: HubOptions): Promise<RunningHub> {
  const region = options.region ?? 'us-east-1';
  const definition = readHubDefinition(resolve(options.root, 'serverless.yml'), {
    stage: 'local',
    region,
    env: process.env,
  });
  const sqs = await startLocalSqs(options.sqsPort ?? 0, region);
  const queues = createQueues(sqs.server, definition.queues);

  Object.assign(
    process.env,
    functionEnvironment(definition.functions, queues),
    {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
      SQS_ENDPOINT: sqs.endpoint,
      SWITCHBOARD_STAGE: 'local',
    },
    options.env,
  );

  const routes: GatewayRoute[] = [];
  const mappings: EventSourceMapping[] = [];
  for (const fn of definition.functions) {
    const module = (await import(pathToFileURL(resolve(options.root, `${fn.module}.ts`)).href)) as Record<
      string,
      unknown
    >;
    const handler = module[fn.exportName];
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
    for (const source of fn.sqs) {
      const queue = queues.get(source.queueLogicalId);
      if (!queue) throw new Error(`Function ${fn.name} reads an unknown queue ${source.queueLogicalId}`);
      mappings.push(
        new EventSourceMapping({
          functionName: fn.name,
          handler: handler as SqsLambdaHandler,
          sqs: sqs.client,
          queueUrl: queue.url,
          queueArn: queue.arn,
          region,
          batchSize: source.batchSize,
          maximumBatchingWindowSeconds: source.maximumBatchingWindowSeconds,
          maximumConcurrency: source.maximumConcurrency,
          reportBatchItemFailures: source.reportBatchItemFailures,
          timeoutSeconds: fn.timeoutSeconds,
          ...(options.onInvocation ? { onInvocation: options.onInvocation } : {}),
        }),
      );
    }
  }

  const gateway = new HttpGateway(routes);
  const url = await gateway.listen(options.port ?? 0);
  for (const mapping of mappings) mapping.start();

  return {
    url,
    definition,
    sqs,
    queues,
    stop: async () => {
      await gateway.close();
      await Promise.all(mappings.map((mapping) => mapping.stop()));
      await sqs.stop();
    },
  };
}

/** serverless.yml's environment with `!Ref Queue` turned into local queue URLs. */
function functionEnvironment(
  functions: readonly FunctionDefinition[],
  queues: Map<string, LocalQueue>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const fn of functions) {
    for (const [name, value] of Object.entries(fn.environment)) {
      const ref = (value as { Ref?: string } | null)?.Ref;
      if (ref !== undefined) {
        const queue = queues.get(ref);
        if (!queue) throw new Error(`Environment ${name} refers to ${ref}, which is not a queue of serverless.yml`);
        env[name] = queue.url;
      } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        env[name] = String(value);
      }
    }
  }
  return env;
}

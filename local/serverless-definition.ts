import { readFileSync } from 'node:fs';
import type { AttributeDefinition, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { loadServerlessYaml, type VariableContext } from './serverless-variables.js';
import { asText } from '../lib/text.js';

export interface QueueDefinition {
  logicalId: string;
  name: string;
  visibilityTimeoutSeconds: number;
  attributes: Record<string, string>;
  deadLetter?: { logicalId: string; maxReceiveCount: number };
}

/** A DynamoDB table: what the local DynamoDB needs to create it (billing, TTL and backups do not apply). */
export interface TableDefinition {
  logicalId: string;
  name: string;
  keySchema: KeySchemaElement[];
  attributeDefinitions: AttributeDefinition[];
}

/** An S3 bucket: its name, as CloudFormation would give it when serverless.yml names none. */
export interface BucketDefinition {
  logicalId: string;
  name: string;
}

/** An SQS event source as Lambda would run it, with Lambda's defaults filled in. */
export interface SqsEventSource {
  queueLogicalId: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  /** Lambda scales to 1,000 concurrent batches when unset; locally that is capped at 5. */
  maximumConcurrency: number;
  reportBatchItemFailures: boolean;
}

export interface HttpRoute {
  method: string;
  path: string;
}

export interface FunctionDefinition {
  name: string;
  /** Module path relative to the service root without extension, e.g. `functions/health`. */
  module: string;
  exportName: string;
  timeoutSeconds: number;
  /** Lambda's memory for the function (MB; 1,024 when serverless.yml does not say). */
  memorySize: number;
  environment: Record<string, unknown>;
  routes: HttpRoute[];
  sqs: SqsEventSource[];
  /** Its schedule expressions (`cron(0 2 * * ? *)`), which the local runtime does not run. */
  schedules: string[];
}

export interface HubDefinition {
  service: string;
  stage: string;
  functions: FunctionDefinition[];
  queues: QueueDefinition[];
  tables: TableDefinition[];
  buckets: BucketDefinition[];
}

type Node = Record<string, unknown>;

/** Reads serverless.yml into what the local runtime needs: routes, queues, tables and event sources. */
export function readHubDefinition(path: string, context: VariableContext): HubDefinition {
  const config = loadServerlessYaml(readFileSync(path, 'utf8'), context);
  const provider = (config.provider ?? {}) as Node;
  const resources = (((config.resources ?? {}) as Node).Resources ?? {}) as Record<string, Node>;

  const queues = Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::SQS::Queue')
    .map(([logicalId, resource]) => toQueue(logicalId, (resource.Properties ?? {}) as Node));
  const tables = Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => toTable(logicalId, (resource.Properties ?? {}) as Node));
  const stack = `${String(config.service)}-${context.stage}`;
  const buckets = Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::S3::Bucket')
    .map(([logicalId, resource]) => toBucket(stack, logicalId, (resource.Properties ?? {}) as Node));

  const functions = Object.entries((config.functions ?? {}) as Record<string, Node>).map(([name, fn]) => {
    const handler = String(fn.handler);
    const dot = handler.lastIndexOf('.');
    const events = (fn.events ?? []) as Node[];
    return {
      name,
      module: handler.slice(0, dot),
      exportName: handler.slice(dot + 1),
      timeoutSeconds: Number(fn.timeout ?? provider.timeout ?? 6),
      memorySize: Number(fn.memorySize ?? provider.memorySize ?? 1024),
      environment: { ...(provider.environment as Node | undefined), ...(fn.environment as Node | undefined) },
      routes: events.filter((event) => event.httpApi).map((event) => toRoute(event.httpApi)),
      sqs: events.filter((event) => event.sqs).map((event) => toSqsSource(event.sqs as Node)),
      schedules: events.filter((event) => event.schedule).flatMap((event) => toSchedules(event.schedule)),
    };
  });
  return { service: String(config.service), stage: context.stage, functions, queues, tables, buckets };
}

/**
 * CloudFormation names a bucket without BucketName `<stack>-<logical id in lower case>-<random>`;
 * locally the random part is left off, so the name stays the same from one start to the next.
 */
function toBucket(stack: string, logicalId: string, properties: Node): BucketDefinition {
  return { logicalId, name: asText(properties.BucketName ?? `${stack}-${logicalId.toLowerCase()}`) };
}

function toTable(logicalId: string, properties: Node): TableDefinition {
  const keySchema = (properties.KeySchema ?? []) as Node[];
  const attributes = (properties.AttributeDefinitions ?? []) as Node[];
  if (keySchema.length === 0) throw new Error(`serverless.yml: table ${logicalId} has no KeySchema`);
  return {
    logicalId,
    // CloudFormation names a table without TableName itself; locally its logical id will do.
    name: asText(properties.TableName ?? logicalId),
    keySchema: keySchema.map((key) => ({
      AttributeName: asText(key.AttributeName),
      KeyType: asText(key.KeyType) as KeySchemaElement['KeyType'],
    })),
    attributeDefinitions: attributes.map((attribute) => ({
      AttributeName: asText(attribute.AttributeName),
      AttributeType: asText(attribute.AttributeType) as AttributeDefinition['AttributeType'],
    })),
  };
}

function toQueue(logicalId: string, properties: Node): QueueDefinition {
  const redrive = properties.RedrivePolicy as Node | undefined;
  const attributes: Record<string, string> = {};
  for (const [property, attribute] of [
    ['VisibilityTimeout', 'VisibilityTimeout'],
    ['MessageRetentionPeriod', 'MessageRetentionPeriod'],
    ['DelaySeconds', 'DelaySeconds'],
  ] as const) {
    if (properties[property] !== undefined) attributes[attribute] = asText(properties[property]);
  }
  return {
    logicalId,
    name: asText(properties.QueueName ?? logicalId),
    visibilityTimeoutSeconds: Number(properties.VisibilityTimeout ?? 30),
    attributes,
    ...(redrive
      ? {
          deadLetter: {
            logicalId: getAttTarget(redrive.deadLetterTargetArn),
            maxReceiveCount: Number(redrive.maxReceiveCount),
          },
        }
      : {}),
  };
}

function toRoute(httpApi: unknown): HttpRoute {
  if (typeof httpApi === 'string') {
    const [method = '*', path = '/'] = httpApi.split(' ');
    return { method: method.toUpperCase(), path };
  }
  const route = httpApi as Node;
  return { method: asText(route.method ?? '*').toUpperCase(), path: asText(route.path) };
}

function toSqsSource(sqs: Node): SqsEventSource {
  return {
    queueLogicalId: getAttTarget(sqs.arn),
    batchSize: Number(sqs.batchSize ?? 10),
    maximumBatchingWindowSeconds: Number(sqs.maximumBatchingWindow ?? 0),
    maximumConcurrency: Number(sqs.maximumConcurrency ?? 5),
    reportBatchItemFailures: sqs.functionResponseType === 'ReportBatchItemFailures',
  };
}

function toSchedules(schedule: unknown): string[] {
  if (typeof schedule === 'string') return [schedule];
  const rate = (schedule as Node).rate;
  return (Array.isArray(rate) ? rate : [rate]).map((expression) => asText(expression));
}

function getAttTarget(value: unknown): string {
  const getAtt = (value as Node | undefined)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  throw new Error(`serverless.yml: expected !GetAtt <Queue>.Arn, got ${JSON.stringify(value)}`);
}

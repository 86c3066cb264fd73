import type { LocalTable } from './local-dynamodb.js';
import type { LocalBucket } from './local-s3.js';
import type { LocalQueue } from './local-sqs.js';
import type { FunctionDefinition } from './serverless-definition.js';

/** The local resources that CloudFormation references in serverless.yml resolve to, by logical id. */
export interface LocalResources {
  queues: ReadonlyMap<string, LocalQueue>;
  tables: ReadonlyMap<string, LocalTable>;
  buckets: ReadonlyMap<string, LocalBucket>;
}

/**
 * serverless.yml's environment with CloudFormation's references resolved as AWS resolves them:
 * `!Ref` a queue is its URL and `!Ref` a table or a bucket its name; `!GetAtt X.Arn` is the ARN of
 * any of them, `!GetAtt Queue.QueueName` a queue's name, and `!Join` joins what it resolves.
 */
export function functionEnvironment(
  functions: readonly FunctionDefinition[],
  resources: LocalResources,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const fn of functions) {
    for (const [name, value] of Object.entries(fn.environment)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        env[name] = String(value);
      else if (value && typeof value === 'object') {
        const resolved = resolveReference(name, value, resources);
        if (resolved !== undefined) env[name] = resolved;
      }
    }
  }
  return env;
}

/** Other intrinsics (`!Sub`, `!ImportValue`...) are left out: nothing local reads them. */
function resolveReference(variable: string, value: object, resources: LocalResources): string | undefined {
  const { queues, tables, buckets } = resources;
  const {
    Ref: ref,
    'Fn::GetAtt': getAtt,
    'Fn::Join': join,
  } = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown; 'Fn::Join'?: unknown };
  if (typeof ref === 'string') {
    const resolved = queues.get(ref)?.url ?? tables.get(ref)?.name ?? buckets.get(ref)?.name;
    if (resolved !== undefined) return resolved;
    throw new Error(
      `Environment ${variable} refers to ${ref}, which is not a queue, table or bucket of serverless.yml`,
    );
  }
  if (Array.isArray(getAtt)) {
    const [logicalId, attribute] = getAtt as unknown[];
    const queue = queues.get(String(logicalId));
    const resource = queue ?? tables.get(String(logicalId)) ?? buckets.get(String(logicalId));
    const resolved = attribute === 'Arn' ? resource?.arn : attribute === 'QueueName' ? queue?.name : undefined;
    if (resolved !== undefined) return resolved;
    throw new Error(`Environment ${variable}: the local runtime cannot resolve !GetAtt ${getAtt.join('.')}`);
  }
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = (join[1] as unknown[]).map((part) =>
      typeof part === 'string' || typeof part === 'number'
        ? String(part)
        : part && typeof part === 'object'
          ? resolveReference(variable, part, resources)
          : undefined,
    );
    if (parts.every((part) => part !== undefined)) return parts.join(join[0]);
    throw new Error(`Environment ${variable}: the local runtime cannot resolve every part of its !Join`);
  }
  return undefined;
}

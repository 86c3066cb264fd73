import type { LocalTable } from './local-dynamodb.js';
import type { LocalQueue } from './local-sqs.js';
import type { FunctionDefinition } from './serverless-definition.js';

/** The local resources that CloudFormation references in serverless.yml resolve to, by logical id. */
export interface LocalResources {
  queues: ReadonlyMap<string, LocalQueue>;
  tables: ReadonlyMap<string, LocalTable>;
}

/**
 * serverless.yml's environment with CloudFormation's references resolved as AWS resolves them:
 * `!Ref` a queue is its URL and `!Ref` a table its name; `!GetAtt X.Arn` is either's ARN, and
 * `!GetAtt Queue.QueueName` a queue's name.
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
function resolveReference(variable: string, value: object, { queues, tables }: LocalResources): string | undefined {
  const { Ref: ref, 'Fn::GetAtt': getAtt } = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof ref === 'string') {
    const resolved = queues.get(ref)?.url ?? tables.get(ref)?.name;
    if (resolved !== undefined) return resolved;
    throw new Error(`Environment ${variable} refers to ${ref}, which is not a queue or table of serverless.yml`);
  }
  if (Array.isArray(getAtt)) {
    const [logicalId, attribute] = getAtt as unknown[];
    const queue = queues.get(String(logicalId));
    const table = tables.get(String(logicalId));
    const resolved =
      attribute === 'Arn' ? (queue?.arn ?? table?.arn) : attribute === 'QueueName' ? queue?.name : undefined;
    if (resolved !== undefined) return resolved;
    throw new Error(`Environment ${variable}: the local runtime cannot resolve !GetAtt ${getAtt.join('.')}`);
  }
  return undefined;
}

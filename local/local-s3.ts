import type { LocalSqs } from './local-sqs.js';
import type { BucketDefinition } from './serverless-definition.js';

export interface LocalBucket {
  name: string;
  arn: string;
}

/**
 * Creates the buckets of serverless.yml in the local S3, which fauxqs serves on the SQS endpoint
 * (path-style only: `http://127.0.0.1:4566/<bucket>/<key>`). A bucket kept from an earlier run is
 * reused with its objects. Lifecycle rules, encryption and access blocks do not apply locally.
 */
export function createBuckets(sqs: LocalSqs, definitions: readonly BucketDefinition[]): Map<string, LocalBucket> {
  const created = new Map<string, LocalBucket>();
  for (const definition of definitions) {
    sqs.server.createBucket(definition.name);
    created.set(definition.logicalId, { name: definition.name, arn: `arn:aws:s3:::${definition.name}` });
  }
  return created;
}

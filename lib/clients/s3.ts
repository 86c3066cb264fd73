import { S3Client } from '@aws-sdk/client-s3';

export interface S3Settings {
  /** A local S3 (fauxqs in the local runtime); absent in AWS, where the SDK finds the regional endpoint. */
  endpoint?: string;
  /** Absent: the SDK reads `AWS_REGION`, which Lambda always sets. */
  region?: string;
}

/**
 * The S3 client, built once per container. Credentials come from the SDK's default chain (the
 * function's role in AWS, `AWS_ACCESS_KEY_ID` locally).
 */
export function createS3Client({ endpoint, region }: S3Settings = {}): S3Client {
  return new S3Client({
    ...(region ? { region } : {}),
    // A local endpoint has no DNS for `<bucket>.host`, so the bucket goes in the path.
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

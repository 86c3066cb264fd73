import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import * as z from '../zod-mini.js';
import { PermanentError, RetryableError } from '../errors.js';

export { fetchExportPage, type ExportPage } from './export-pages.js';

/** Where a night's usage export is: every object under an S3 prefix, or the app's paged HTTPS endpoint. */
export type UsageLocation = { kind: 's3'; bucket: string; prefix: string } | { kind: 'https'; url: string };
export type S3UsageLocation = Extract<UsageLocation, { kind: 's3' }>;

// S3's rules for general purpose bucket names (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * One setting string: `s3://bucket/prefix/` (the prefix ends with `/`, so `2026-01-15/` never also
 * matches `2026-01-150/`; it may be empty) or `https://host/path` (plain http only on loopback, for
 * the local app emulator). Read through `parseEnv`, a refusal names the variable.
 */
export const UsageLocation = z.pipe(
  z.string().check(z.trim()),
  z.transform((text: string, ctx): UsageLocation => {
    const refuse = (message: string, shown?: string) => {
      ctx.issues.push({
        code: 'custom',
        message: shown === undefined ? message : `${message} (got ${shown})`,
        input: text,
      });
      return z.NEVER;
    };
    const s3 = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(text);
    if (s3) {
      const refuseS3 = (message: string) => refuse(message, JSON.stringify(text.slice(0, 200)));
      const [, bucket = '', prefix = ''] = s3;
      if (!BUCKET_NAME.test(bucket) || bucket.includes('..'))
        return refuseS3('the S3 bucket name must be 3-63 lower-case letters, digits, dots or hyphens');
      if (prefix !== '' && !prefix.endsWith('/'))
        return refuseS3('the S3 prefix must end with "/", e.g. s3://bucket/usage/2026-01-15/');
      return { kind: 's3', bucket, prefix };
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return refuse('must be s3://bucket/prefix/ or https://host/path');
    }
    // Only the scheme and host are echoed: a URL may carry a secret in its user part or query.
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
      return refuse(
        'must be s3://bucket/prefix/ or https://host/path (http only for 127.0.0.1 or localhost)',
        `${url.protocol}//${url.host}`,
      );
    if (url.username || url.password) return refuse('must not carry credentials; the token is a separate secret');
    url.hash = '';
    return { kind: 'https', url: url.href };
  }),
);

/** One object of an S3 export; `etag` without its quotes, so it can key "already applied" checks. */
export interface ExportPart {
  key: string;
  size: number;
  etag: string;
}

/**
 * Every object under the location's prefix, sorted by key, following continuation tokens. Empty
 * "folder" objects (the console's "Create folder", keys ending in `/`) are not parts.
 */
export async function listExportParts(
  s3: S3Client,
  location: S3UsageLocation,
  options: { pageSize?: number } = {},
): Promise<ExportPart[]> {
  const parts: ExportPart[] = [];
  let token: string | undefined;
  do {
    const page = await s3
      .send(
        new ListObjectsV2Command({
          Bucket: location.bucket,
          Prefix: location.prefix || undefined,
          ContinuationToken: token,
          MaxKeys: options.pageSize,
        }),
      )
      .catch((error: unknown) => {
        throw s3Failure(error, location);
      });
    for (const object of page.Contents ?? []) {
      const { Key: key, Size: size = 0, ETag: etag = '' } = object;
      if (key === undefined || key.endsWith('/') || size === 0) continue;
      parts.push({ key, size, etag: etag.replace(/^"|"$/g, '') });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * One part's bytes as a stream, read as the consumer pulls (never buffered whole). A failure
 * while the body streams surfaces as an error of the stream.
 */
export async function openExportPart(s3: S3Client, location: S3UsageLocation, key: string): Promise<Readable> {
  if (!key.startsWith(location.prefix))
    throw new PermanentError(`s3://${location.bucket}/${key} is not under the export's prefix "${location.prefix}"`, {
      code: 'USAGE_EXPORT_KEY',
    });
  const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: key })).catch((error: unknown) => {
    throw s3Failure(error, location, key);
  });
  const body = object.Body;
  if (body instanceof Readable) return body;
  if (body && 'transformToWebStream' in body) return Readable.fromWeb(body.transformToWebStream() as WebReadableStream);
  return Readable.from([]);
}

interface AwsError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * S3's answer as the hub's failure kinds: a missing bucket or object, or a refused permission,
 * cannot be fixed by retrying (an operator must act; the message says what); throttling, 5xx and
 * network failures can. S3 answers 403 rather than 404 for a missing object when `s3:ListBucket`
 * is not granted (docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_Permissions).
 */
function s3Failure(error: unknown, location: S3UsageLocation, key?: string): PermanentError | RetryableError {
  const { name = '', message = String(error), $metadata } = (error ?? {}) as AwsError;
  const status = $metadata?.httpStatusCode;
  const { bucket, prefix } = location;
  const [action, resource] =
    key === undefined
      ? ['s3:ListBucket', `arn:aws:s3:::${bucket}`]
      : ['s3:GetObject', `arn:aws:s3:::${bucket}/${prefix}*`];
  const what = `${action} on s3://${bucket}/${key ?? prefix}`;
  const options = { code: `S3_${name || status || 'ERROR'}`, cause: error };
  if (name === 'NoSuchBucket')
    return new PermanentError(`The usage export bucket "${bucket}" does not exist (s3://${bucket}/${prefix})`, options);
  if (name === 'NoSuchKey')
    return new PermanentError(
      `s3://${bucket}/${key ?? ''} is gone: was the export replaced after it was listed?`,
      options,
    );
  if (name === 'AccessDenied' || status === 403) {
    const also =
      key === undefined ? '' : ` (and s3:ListBucket on arn:aws:s3:::${bucket}, or a missing object reads as denied)`;
    return new PermanentError(
      `S3 refused ${what} (${name || status}): the function's role needs ${action} on ${resource}${also}`,
      options,
    );
  }
  if (status !== undefined && status < 500 && status !== 408 && status !== 429)
    return new PermanentError(`S3 refused ${what} (${status} ${name}): ${message}`, options);
  return new RetryableError(`S3 failed ${what} (${status ?? name}): ${message}`, { cause: error });
}

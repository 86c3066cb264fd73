import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RetryableError } from '../../errors.js';

/**
 * A night's intermediate files in the hub's staging bucket, under `usage-runs/<run id>/`: the
 * export's rows split by account bucket, the Accounts read from Salesforce, and the Account
 * changes waiting for the write phase. Gzipped NDJSON, one object per writer, so a retried
 * chunk overwrites its own objects and never appends twice. The bucket's lifecycle rule expires
 * them after a week.
 */
export class RunStaging {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    readonly runId: string,
  ) {}

  /** Rows of fine bucket `bucket`, as one partition chunk wrote them. */
  rowsKey(bucket: number, chunkId: string): string {
    return `${this.prefix()}rows/${pad(bucket)}/${chunkId}.ndjson.gz`;
  }

  accountsKey(bucket: number): string {
    return `${this.prefix()}accounts/${pad(bucket)}.ndjson.gz`;
  }

  salesforceKey(chunkId: string): string {
    return `${this.prefix()}salesforce/${chunkId}.ndjson.gz`;
  }

  salesforcePrefix(): string {
    return `${this.prefix()}salesforce/`;
  }

  async write(key: string, records: readonly unknown[]): Promise<void> {
    const body = gzipSync(records.map((record) => JSON.stringify(record)).join('\n'));
    await this.call(`write ${key}`, () =>
      this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentEncoding: 'gzip' })),
    );
  }

  /**
   * The records of one staged object, streamed. Every object read was written by a finished chunk,
   * so a missing one is a failure (retried), never an empty set of rows.
   */
  async *read<T>(key: string): AsyncGenerator<T> {
    const { Body: body } = await this.call(`read ${key}`, () =>
      this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
    );
    const lines = createInterface({ input: (body as Readable).pipe(createGunzip()), crlfDelay: Infinity });
    for await (const line of lines) if (line) yield JSON.parse(line) as T;
  }

  /** Every key under a prefix of this run. */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(`list ${prefix}`, () =>
        this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  private prefix(): string {
    return `usage-runs/${this.runId}/`;
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      // The staging bucket is the hub's own: any failure is transient or a deployment fault an alarm shows.
      throw new RetryableError(`Staging ${what} failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

const pad = (bucket: number): string => String(bucket).padStart(3, '0');

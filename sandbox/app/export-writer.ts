import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { headerLine, rowLine, type ExportFormat } from './export-format.js';
import { usageRows, type ExportRow } from './generate.js';
import { population, type UsageOptions } from './population.js';
import { putObject } from './s3-put.js';

export interface ExportWriteOptions extends UsageOptions {
  bucket: string;
  /** Where the parts go: `''` or a folder ending in `/`. What is under it already is deleted first. */
  prefix: string;
  format: ExportFormat;
  gzip: boolean;
  /** Rows per object (default 100,000): one part is held in memory while it is built. */
  rowsPerPart?: number;
}

export interface WrittenPart {
  key: string;
  rows: number;
  bytes: number;
}

export interface WrittenExport {
  parts: WrittenPart[];
  rows: number;
  /** Bytes stored, compressed when gzipped. */
  bytes: number;
}

// Text is handed to gzip in slices of about this size: large enough to keep zlib busy, small
// enough that the generator and zlib's thread work side by side.
const SLICE_CHARS = 256 * 1024;

/**
 * Writes a generated night as the app's S3 export: `part-00000.ndjson[.gz]`, … under the prefix,
 * each a complete file (CSV parts each with the header). One part is built while the previous
 * one uploads; gzip runs on zlib's thread as rows are produced; a part over 8 MiB goes up in a
 * multipart upload.
 */
export async function writeUsageExport(s3: S3Client, options: ExportWriteOptions): Promise<WrittenExport> {
  const { bucket, prefix, format, gzip, rowsPerPart = 100_000, ...usage } = options;
  if (prefix !== '' && !prefix.endsWith('/')) throw new Error(`The export prefix must end with "/": ${prefix}`);
  const pop = population(usage);
  await emptyPrefix(s3, bucket, prefix);
  const extension = `${format}${gzip ? '.gz' : ''}`;
  const written: WrittenExport = { parts: [], rows: 0, bytes: 0 };
  let uploading: Promise<void> = Promise.resolve();
  for (let from = 0, index = 0; from < pop.options.users; from += rowsPerPart, index += 1) {
    const to = Math.min(from + rowsPerPart, pop.options.users);
    const body = await partBody(usageRows(pop, { from, to }), format, gzip);
    const part = { key: `${prefix}part-${String(index).padStart(5, '0')}.${extension}`, rows: to - from };
    await uploading;
    uploading = putObject(s3, { bucket, key: part.key, contentType: contentType(format) }, body).then(() => {
      written.parts.push({ ...part, bytes: body.length });
      written.rows += part.rows;
      written.bytes += body.length;
    });
    // A failed upload is awaited at the next part; keep it from counting as unhandled meanwhile.
    uploading.catch(() => undefined);
  }
  await uploading;
  return written;
}

async function partBody(rows: Iterable<ExportRow>, format: ExportFormat, gzip: boolean): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const zip = gzip ? createGzip() : undefined;
  zip?.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = zip ? finished(zip) : Promise.resolve();
  const emit = async (text: string): Promise<void> => {
    const bytes = Buffer.from(text);
    if (!zip) chunks.push(bytes);
    else if (!zip.write(bytes)) await once(zip, 'drain');
    // Lets the previous part's upload move on while this one is built.
    await nextTurn();
  };
  let slice = headerLine(format);
  for (const row of rows) {
    slice += rowLine(row, format);
    if (slice.length >= SLICE_CHARS) {
      await emit(slice);
      slice = '';
    }
  }
  await emit(slice);
  zip?.end();
  await done;
  return Buffer.concat(chunks);
}

function contentType(format: ExportFormat): string {
  return format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson';
}

/** Creates the bucket if needed and deletes what a previous write left under the prefix. */
async function emptyPrefix(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
    const name = (error as { name?: unknown }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  });
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined }));
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
    if (keys.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
}

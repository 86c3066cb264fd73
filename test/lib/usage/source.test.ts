import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { parseEnv } from '../../../lib/config.js';
import { PermanentError, RetryableError } from '../../../lib/errors.js';
import { newReadStats, readUsageRows, type UsageRow } from '../../../lib/usage/rows.js';
import { listExportParts, openExportPart, UsageLocation, type S3UsageLocation } from '../../../lib/usage/source.js';
import { generateUsage, writeUsageExport } from '../../../sandbox/app/index.js';
import { startLocalS3, type LocalS3 } from '../../support/local-s3.js';
import { asUsageRow, collect, emulatorSource } from '../../support/usage-export.js';

const AS_OF = Date.parse('2026-01-15T02:00:00Z');

describe('UsageLocation', () => {
  it('reads an S3 prefix, with or without a folder', () => {
    expect(UsageLocation.parse(' s3://acme-usage/exports/2026-01-15/ ')).toEqual({
      kind: 's3',
      bucket: 'acme-usage',
      prefix: 'exports/2026-01-15/',
    });
    expect(UsageLocation.parse('s3://acme-usage')).toEqual({ kind: 's3', bucket: 'acme-usage', prefix: '' });
  });

  it('reads an https endpoint, and plain http only on loopback', () => {
    expect(UsageLocation.parse('https://app.example.com/export/usage?format=ndjson#x')).toEqual({
      kind: 'https',
      url: 'https://app.example.com/export/usage?format=ndjson',
    });
    expect(UsageLocation.parse('http://127.0.0.1:4010/export/usage')).toMatchObject({ kind: 'https' });
    expect(UsageLocation.parse('http://localhost:4010/export/usage')).toMatchObject({ kind: 'https' });
  });

  it.each([
    ['http://app.example.com/export', 'http only for 127.0.0.1 or localhost'],
    ['ftp://files.example.com/usage', 'must be s3://bucket/prefix/ or https://host/path'],
    ['s3://Acme_Usage/exports/', 'bucket name'],
    ['s3://acme-usage/exports', 'must end with "/"'],
    ['https://user:secret@app.example.com/export', 'must not carry credentials'],
    ['not a location', 'must be s3://bucket/prefix/ or https://host/path'],
  ])('refuses %s, naming the setting', (value, why) => {
    const parse = () => parseEnv({ USAGE_EXPORT_LOCATION: UsageLocation }, { USAGE_EXPORT_LOCATION: value });

    expect(parse).toThrow(`USAGE_EXPORT_LOCATION: `);
    expect(parse).toThrow(why);
  });
  it('repeats no more of a refused URL than its scheme and host, since it may carry a secret', () => {
    const refused = ['https://ops:hunter2@app.example.com/export', 'http://app.example.com/export?key=abc123'].map(
      (value) => UsageLocation.safeParse(value).error?.issues.map((issue) => issue.message),
    );

    expect(refused).toEqual([
      ['must not carry credentials; the token is a separate secret'],
      [expect.stringContaining('(got http://app.example.com)')],
    ]);
  });
});

describe('the S3 usage source', () => {
  let local: LocalS3;
  const night: S3UsageLocation = { kind: 's3', bucket: 'usage-exports', prefix: 'night/' };
  const put = (key: string, body: string) =>
    local.s3.send(new PutObjectCommand({ Bucket: night.bucket, Key: key, Body: body, ContentLength: body.length }));

  beforeAll(async () => {
    local = await startLocalS3();
  });
  afterAll(async () => local.stop());
  beforeEach(() => {
    local.server.reset();
    local.server.createBucket(night.bucket);
  });

  it('lists every part under the prefix across pages, sorted, without folder markers', async () => {
    for (let i = 24; i >= 0; i -= 1) await put(`night/part-${String(i).padStart(5, '0')}.csv`, `part ${i}\n`);
    await put('night/', '');
    await put('night/sub/', '');
    await put('night/empty.csv', '');
    await put('other/part-00000.csv', 'not this night\n');
    const send = jest.spyOn(local.s3, 'send');

    const parts = await listExportParts(local.s3, night, { pageSize: 10 });

    expect(send).toHaveBeenCalledTimes(3);
    expect(parts.map((part) => part.key)).toEqual(
      Array.from({ length: 25 }, (_, i) => `night/part-${String(i).padStart(5, '0')}.csv`),
    );
    expect(parts[3]).toEqual({ key: 'night/part-00003.csv', size: 7, etag: expect.stringMatching(/^[0-9a-f]{32}$/) });
    send.mockRestore();
  });

  it('says which bucket is missing, as a failure retrying cannot fix', async () => {
    const missing = listExportParts(local.s3, { kind: 's3', bucket: 'no-such-exports', prefix: 'night/' });

    await expect(missing).rejects.toThrow(PermanentError);
    await expect(missing).rejects.toThrow('The usage export bucket "no-such-exports" does not exist');
  });

  it('refuses a key outside the prefix and one that is gone', async () => {
    await expect(openExportPart(local.s3, night, 'other/part-00000.csv')).rejects.toThrow('not under the export');
    await expect(openExportPart(local.s3, night, 'night/part-09999.csv')).rejects.toThrow(
      's3://usage-exports/night/part-09999.csv is gone',
    );
  });

  it.each([
    ['csv', true],
    ['ndjson', true],
    ['ndjson', false],
  ] as const)('reads back exactly the generated rows of a %s export (gzip: %s)', async (format, gzip) => {
    const usage = { users: 60, accounts: 8, asOf: AS_OF, seed: 3 };
    await writeUsageExport(local.s3, {
      ...usage,
      bucket: night.bucket,
      prefix: night.prefix,
      format,
      gzip,
      rowsPerPart: 25,
    });

    const parts = await listExportParts(local.s3, night);
    const stats = newReadStats();
    const rows: UsageRow[] = [];
    for (const part of parts)
      rows.push(
        ...(await collect(
          readUsageRows(await openExportPart(local.s3, night, part.key), emulatorSource(format), stats),
        )),
      );

    expect(parts.map((part) => part.key.slice(night.prefix.length))).toEqual(
      [0, 1, 2].map((i) => `part-0000${i}.${format}${gzip ? '.gz' : ''}`),
    );
    expect(stats.invalid).toBe(0);
    expect(rows).toEqual((await collect(generateUsage(usage))).map(asUsageRow));
  });
});

describe('S3 failures', () => {
  const night: S3UsageLocation = { kind: 's3', bucket: 'usage-exports', prefix: 'night/' };
  const failing = (error: object) => ({ send: () => Promise.reject(Object.assign(new Error('S3 said no'), error)) });
  const s3 = (error: object) => failing(error) as unknown as S3Client;

  it('names the permission a refused listing needs', async () => {
    const denied = listExportParts(s3({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), night);

    await expect(denied).rejects.toThrow(PermanentError);
    await expect(denied).rejects.toThrow("the function's role needs s3:ListBucket on arn:aws:s3:::usage-exports");
  });

  it('names the permission a refused read needs', async () => {
    const denied = openExportPart(s3({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), night, 'night/a');

    await expect(denied).rejects.toThrow('needs s3:GetObject on arn:aws:s3:::usage-exports/night/*');
  });

  it.each([
    ['SlowDown', 503],
    ['InternalError', 500],
    ['ECONNRESET', undefined],
  ])('retries %s', async (name, status) => {
    const error = await listExportParts(s3({ name, $metadata: { httpStatusCode: status } }), night).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toContain('s3:ListBucket on s3://usage-exports/night/');
  });
});

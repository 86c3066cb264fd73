import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { generateUsage, writeUsageExport } from '../../../sandbox/app/index.js';
import { startLocalS3, type LocalS3 } from '../../support/local-s3.js';
import { collect } from '../../support/usage-export.js';

const usage = { users: 25, accounts: 5, asOf: Date.parse('2026-01-15T02:00:00Z'), seed: 9 };
const target = { bucket: 'app-exports', prefix: 'usage/2026-01-15/' };

describe('writeUsageExport', () => {
  let local: LocalS3;
  const objects = async (prefix?: string) =>
    (await local.s3.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: prefix }))).Contents ?? [];
  const bytes = async (key: string) =>
    Buffer.from(
      await (
        await local.s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }))
      ).Body!.transformToByteArray(),
    );

  beforeAll(async () => {
    local = await startLocalS3();
  });
  afterAll(async () => local.stop());
  beforeEach(() => local.server.reset());

  it('writes numbered parts of at most rowsPerPart rows, CSV parts each with the header', async () => {
    const written = await writeUsageExport(local.s3, {
      ...usage,
      ...target,
      format: 'csv',
      gzip: true,
      rowsPerPart: 10,
    });

    const stored = await objects();
    const first = gunzipSync(await bytes(`${target.prefix}part-00000.csv.gz`))
      .toString()
      .split('\n');
    const last = gunzipSync(await bytes(`${target.prefix}part-00002.csv.gz`))
      .toString()
      .split('\n');
    expect(written.parts.map(({ key, rows }) => [key.slice(target.prefix.length), rows])).toEqual([
      ['part-00000.csv.gz', 10],
      ['part-00001.csv.gz', 10],
      ['part-00002.csv.gz', 5],
    ]);
    expect(written.rows).toBe(25);
    expect(stored.map((object) => object.Size)).toEqual(written.parts.map((part) => part.bytes));
    expect(written.bytes).toBe(written.parts.reduce((sum, part) => sum + part.bytes, 0));
    expect(first[0]).toBe('user_id,account_id,email,last_active_at,logins_30d,projects_created');
    expect(first).toHaveLength(12);
    expect(last[0]).toBe(first[0]);
    expect(last[1]?.startsWith('u_0000021,')).toBe(true);
  });

  it('writes the same bytes for the same seed', async () => {
    const options = { ...usage, ...target, format: 'ndjson' as const, gzip: true };
    await writeUsageExport(local.s3, options);
    const first = await bytes(`${target.prefix}part-00000.ndjson.gz`);
    await writeUsageExport(local.s3, options);

    expect((await bytes(`${target.prefix}part-00000.ndjson.gz`)).equals(first)).toBe(true);
    expect(gunzipSync(first).toString()).toBe(
      (await collect(generateUsage(usage))).map((row) => `${JSON.stringify(row)}\n`).join(''),
    );
  });

  it("replaces a previous night's parts under the prefix and leaves the rest of the bucket", async () => {
    await writeUsageExport(local.s3, { ...usage, ...target, format: 'ndjson', gzip: false, rowsPerPart: 5 });
    await local.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: 'elsewhere/keep.txt', Body: 'x' }));

    await writeUsageExport(local.s3, { ...usage, ...target, format: 'ndjson', gzip: false });

    expect((await objects()).map((object) => object.Key)).toEqual([
      'elsewhere/keep.txt',
      `${target.prefix}part-00000.ndjson`,
    ]);
  });

  it('uploads a part larger than one request takes in pieces', async () => {
    const large = { users: 60_000, accounts: 3_000, asOf: usage.asOf, seed: 9 };

    const send = jest.spyOn(local.s3, 'send');

    const written = await writeUsageExport(local.s3, { ...large, ...target, format: 'ndjson', gzip: false });

    const commands = send.mock.calls.map(([command]) => command.constructor.name);
    send.mockRestore();
    expect(commands.filter((name) => /Multipart|UploadPart/.test(name))).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    expect(written.parts).toHaveLength(1);
    expect(written.bytes).toBeGreaterThan(8 * 1024 * 1024);
    expect((await objects())[0]?.Size).toBe(written.bytes);
  });
});

import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { newReadStats, readUsageRows, type UsageRow } from '../../../lib/usage/rows.js';
import type { UsageSource } from '../../../lib/usage/config.js';

/** A byte stream cut into chunks of `size` bytes, as a network body arrives. */
const streamOf = (bytes: Buffer | string, size = 7): Readable => {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) chunks.push(buffer.subarray(i, i + size));
  return Readable.from(chunks);
};

async function readAll(input: Readable, source: UsageSource, stats = newReadStats()): Promise<UsageRow[]> {
  const rows: UsageRow[] = [];
  for await (const row of readUsageRows(input, source, stats)) rows.push(row);
  return rows;
}

const NDJSON = [
  '{"user_id":"u_1","account_id":"acc_1","email":"ana@example.com","last_active_at":"2026-01-14T10:00:00Z","logins":3}',
  '',
  '{"user_id":42,"account_id":"acc_2","email":"","last_active_at":1768384800}',
  '{"user_id":"u_3","account_id":"acc_1","email":"zoë@example.com","last_active_at":null,"logins":"7"}',
].join('\n');

const CSV =
  'user_id,account_id,email,last_active_at,logins\r\n' +
  'u_1,acc_1,ana@example.com,2026-01-14T11:00:00+01:00,3\r\n' +
  '42,acc_2,,1768384800000,\r\n' +
  '"u_3","acc_1","zoë@example.com",,7\r\n';

const EXPECTED: UsageRow[] = [
  {
    userId: 'u_1',
    accountId: 'acc_1',
    email: 'ana@example.com',
    lastActiveAt: Date.parse('2026-01-14T10:00:00Z'),
    updatedAt: null,
    counters: { logins: 3 },
  },
  {
    userId: '42',
    accountId: 'acc_2',
    email: null,
    lastActiveAt: 1768384800000,
    updatedAt: null,
    counters: { logins: 0 },
  },
  {
    userId: 'u_3',
    accountId: 'acc_1',
    email: 'zoë@example.com',
    lastActiveAt: null,
    updatedAt: null,
    counters: { logins: 7 },
  },
];

const columns = { counters: { logins: 'logins' } };

describe('readUsageRows', () => {
  it.each([
    ['NDJSON', 'ndjson' as const, NDJSON],
    ['CSV', 'csv' as const, CSV],
  ])('maps %s rows through the column mapping, chunks cut mid-character', async (_name, format, text) => {
    const rows = await readAll(streamOf(text, 5), { format, columns });

    expect(rows).toEqual(EXPECTED);
  });

  it('gunzips a gzipped export when it sees gzip magic bytes, and reads a plain one as is', async () => {
    const zipped = await readAll(streamOf(gzipSync(NDJSON), 11), { format: 'ndjson', columns });
    const plain = await readAll(streamOf(NDJSON), { format: 'ndjson', columns, gzip: 'auto' });

    expect(zipped).toEqual(EXPECTED);
    expect(plain).toEqual(EXPECTED);
  });

  it('reads renamed columns, a semicolon delimiter and an updated-at column', async () => {
    const text = 'uid;org;mail;seen;changed;n\nu_1;acc_9;a@example.com;2026-01-10;2026-01-12T00:00:00Z;2.5\n';

    const rows = await readAll(streamOf(text), {
      format: 'csv',
      delimiter: ';',
      columns: {
        userId: 'uid',
        accountId: 'org',
        email: 'mail',
        lastActiveAt: 'seen',
        updatedAt: 'changed',
        counters: { projects: 'n' },
      },
    });

    expect(rows).toEqual([
      {
        userId: 'u_1',
        accountId: 'acc_9',
        email: 'a@example.com',
        lastActiveAt: Date.parse('2026-01-10T00:00:00Z'),
        updatedAt: Date.parse('2026-01-12T00:00:00Z'),
        counters: { projects: 2.5 },
      },
    ]);
  });

  it('skips and counts rows it cannot read, keeping the reasons', async () => {
    const stats = newReadStats();
    const text = [
      '{"user_id":"u_1","account_id":"acc_1","last_active_at":"2026-01-14T10:00:00Z"}',
      '{"account_id":"acc_1"}',
      '{"user_id":"u_3","account_id":"acc_1","last_active_at":"14/01/2026"}',
      '{"user_id":"u_4","account_id":"acc_1","last_active_at":"2026-01-14T10:00:00"}',
      'not json',
      '[1,2]',
      '{"user_id":"u_7","account_id":"acc_1","logins":"many"}',
    ].join('\n');

    const rows = await readAll(streamOf(text), { format: 'ndjson', columns }, stats);

    expect(rows.map((row) => row.userId)).toEqual(['u_1']);
    expect(stats).toEqual({
      rows: 7,
      invalid: 6,
      samples: [
        { row: 2, reason: 'user_id is missing' },
        { row: 3, reason: expect.stringMatching(/^last_active_at: not an ISO 8601 time with a zone/) },
        { row: 4, reason: expect.stringMatching(/^last_active_at: not an ISO 8601 time with a zone/) },
        { row: 5, reason: 'the line is not valid JSON' },
        { row: 6, reason: 'the line is not a JSON object' },
        { row: 7, reason: 'logins is not a number' },
      ],
    });
  });

  it('refuses a CSV row whose cell count does not match the header', async () => {
    const stats = newReadStats();

    const rows = await readAll(streamOf('user_id,account_id\nu_1,acc_1\nu_2\n'), { format: 'csv' }, stats);

    expect(rows).toHaveLength(1);
    expect(stats.samples).toEqual([{ row: 2, reason: 'the row has 1 cells for 2 columns' }]);
  });

  it('fails the read when the stream fails', async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });

    await expect(readAll(broken, { format: 'ndjson' })).rejects.toThrow('connection reset');
  });

  it('fails the read when a gzipped export is cut short', async () => {
    const zipped = gzipSync(NDJSON);

    await expect(readAll(streamOf(zipped.subarray(0, zipped.length - 10)), { format: 'ndjson' })).rejects.toThrow(
      /unexpected end/i,
    );
  });
});

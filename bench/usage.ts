/**
 * `npm run bench:usage [-- --users 1000000]`: throughput and memory of the usage building blocks
 * on generated data — the aggregator (with and without generating the rows), the export reader
 * plus aggregator (NDJSON, gzipped CSV), and building and hashing the Mixpanel user updates.
 * Offline; no emulator involved.
 */
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { aggregateUsage, UsageAggregator, type UsageSummary } from '../lib/usage/aggregate.js';
import { payloadHash, userProfileUpdates } from '../lib/usage/mixpanel-payloads.js';
import { newReadStats, readUsageRows, type UsageRow } from '../lib/usage/rows.js';
import type { UsageSource } from '../lib/usage/config.js';

const argUsers = process.argv.indexOf('--users');
const USERS = argUsers > 0 ? Number(process.argv[argUsers + 1]) : 1_000_000;
const ACCOUNTS = Math.max(1, Math.round(USERS / 20));
const MOVED = Math.round(USERS * 0.02);
const AS_OF = Date.parse('2026-01-15T02:00:00Z');
const DAY = 86_400_000;

/** A small seeded generator, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** USERS rows plus MOVED second rows (the user under another account, more recently active). */
function* rows(): Generator<UsageRow> {
  const next = random(7);
  for (let i = 0; i < USERS + MOVED; i += 1) {
    const user = i < USERS ? i : Math.floor(next() * USERS);
    const seen = next() < 0.1 ? null : AS_OF - Math.floor(next() * (i < USERS ? 60 : 5) * DAY);
    yield {
      userId: `u_${user}`,
      accountId: `acc_${Math.floor(next() * ACCOUNTS)}`,
      email: `user${user}@example.com`,
      lastActiveAt: seen,
      updatedAt: null,
      counters: { logins: Math.floor(next() * 50), projects: Math.floor(next() * 5) },
    };
  }
}

function* lines(format: 'ndjson' | 'csv'): Generator<string> {
  let batch = format === 'csv' ? 'user_id,account_id,email,last_active_at,logins,projects\n' : '';
  let n = 0;
  for (const row of rows()) {
    const seen = row.lastActiveAt === null ? '' : new Date(row.lastActiveAt).toISOString();
    const { logins, projects } = row.counters;
    const { userId: user_id, accountId: account_id, email } = row;
    batch +=
      format === 'csv'
        ? `${user_id},${account_id},${email},${seen},${logins},${projects}\n`
        : `${JSON.stringify({ user_id, account_id, email, last_active_at: seen || null, logins, projects })}\n`;
    if ((n += 1) % 2_000 === 0) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

const paying = (accountId: string) => !accountId.endsWith('0');
// Peak RSS is what a Lambda's memory setting must cover; it is sampled in the loops themselves,
// since a timer would not fire while a loop runs on microtasks alone. The first stage also reports
// what its result keeps: the live heap's growth after a full garbage collection. Later stages do
// not, because what earlier stages leave behind is freed at times of V8's choosing.
let peakRss = 0;
function sample(): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function measure<T>(label: string, count: number, run: () => Promise<T> | T, live = false): Promise<T> {
  gc();
  const before = process.memoryUsage().heapUsed;
  peakRss = process.memoryUsage().rss;
  const started = performance.now();
  const result = await run();
  sample();
  const seconds = (performance.now() - started) / 1000;
  gc();
  const kept = process.memoryUsage().heapUsed - before;
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
  console.log(
    `${label.padEnd(30)} ${count.toLocaleString('en')} rows in ${seconds.toFixed(2)} s = ` +
      `${Math.round(count / seconds).toLocaleString('en')} rows/s; ` +
      `${live ? `result keeps ${mb(kept)} of heap, ` : ''}peak RSS ${mb(peakRss)}`,
  );
  return result;
}

async function readAndAggregate(input: Readable, source: UsageSource): Promise<UsageSummary> {
  const aggregator = new UsageAggregator({ asOf: AS_OF, isPaying: paying });
  const stats = newReadStats();
  let batch: UsageRow[] = [];
  for await (const row of readUsageRows(
    input,
    { ...source, columns: { counters: { logins: 'logins', projects: 'projects' } } },
    stats,
  )) {
    batch.push(row);
    if (batch.length === 10_000) {
      sample();
      aggregator.add(batch);
      batch = [];
    }
  }
  aggregator.add(batch);
  if (stats.invalid > 0) throw new Error(`${stats.invalid} rows refused: ${JSON.stringify(stats.samples)}`);
  return aggregator.result();
}

const total = USERS + MOVED;
const count = (n: number) => n.toLocaleString('en');
console.log(`${count(USERS)} users (${count(MOVED)} listed twice) in ${count(ACCOUNTS)} accounts`);
const summary = await measure(
  'generate + aggregate',
  total,
  () => aggregateUsage(rows(), { asOf: AS_OF, isPaying: paying }),
  true,
);
let generated = [...rows()];
await measure('aggregate rows held in memory', total, () =>
  aggregateUsage(generated, { asOf: AS_OF, isPaying: paying }),
);
generated = [];
console.log(`  ${summary.users.length.toLocaleString('en')} users, WAPU ${summary.wapu.toLocaleString('en')}`);
await measure('read NDJSON + aggregate', total, () =>
  readAndAggregate(Readable.from(lines('ndjson')), { format: 'ndjson' }),
);
await measure('read gzipped CSV + aggregate', total, () =>
  readAndAggregate(Readable.from(lines('csv')).pipe(createGzip()), { format: 'csv' }),
);
const accounts = new Map(summary.accounts.map((account) => [account.accountId, account]));
await measure('user $set updates + hashes', summary.users.length, () => {
  for (let i = 0; i < summary.users.length; i += 2_000)
    for (const update of userProfileUpdates(summary.users.slice(i, i + 2_000), accounts, new Map(), {})) {
      payloadHash(update);
      if (i % 100_000 === 0) sample();
    }
});

import type { UsageRow } from '../../lib/usage/rows.js';
import type { UsageSource } from '../../lib/usage/config.js';
import type { ExportRow } from '../../sandbox/app/index.js';

/** How the hub reads the app emulator's export: its column names, counters included. */
export function emulatorSource(format: 'ndjson' | 'csv'): UsageSource {
  return {
    format,
    columns: {
      userId: 'user_id',
      accountId: 'account_id',
      email: 'email',
      lastActiveAt: 'last_active_at',
      counters: { logins: 'logins_30d', projects: 'projects_created' },
    },
  };
}

/** The row the hub's reader should make of a generated export row. */
export function asUsageRow(row: ExportRow): UsageRow {
  return {
    userId: row.user_id,
    accountId: row.account_id,
    email: row.email,
    lastActiveAt: row.last_active_at === null ? null : Date.parse(row.last_active_at),
    updatedAt: null,
    counters: { logins: row.logins_30d, projects: row.projects_created },
  };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

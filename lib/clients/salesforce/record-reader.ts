import * as z from '../../zod-mini.js';
import { PermanentError } from '../../errors.js';
import { textOrNull } from '../../text.js';
import { BulkPolling, systemClock, type JobClock } from './bulk-jobs.js';
import { bulkQuery } from './bulk-query.js';
import type { SalesforceSession } from './session.js';
import { assertApiName } from './soql.js';

/**
 * What to read and how. `auto` sends the SOQL query first: its first page says how many records
 * match (`totalSize`, a COUNT() that costs nothing extra). When that page holds them all, or fewer
 * than `bulkThreshold` match, the read stays on SOQL paging (2,000 records a call); otherwise it
 * moves to a Bulk API 2.0 query job, whose fixed cost (create, polls, delete) is repaid by result
 * sets of `bulkPageSize` records. Salesforce advises Bulk from about 2,000 records.
 */
export const RecordReadSettings = z.object({
  /** Field API names or parent paths (`Owner.Email`), as they appear in SELECT. */
  fields: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  /** Only records where each of these fields has a value (`WHERE f != null AND …`). */
  requireValue: z._default(z.array(z.string().check(z.minLength(1))), []),
  strategy: z._default(z.enum(['auto', 'bulk', 'soql']), 'auto'),
  bulkThreshold: z._default(z.number().check(z.int(), z.positive()), 2_000),
  bulkPageSize: z._default(z.number().check(z.int(), z.positive()), 50_000),
  polling: z._default(BulkPolling, { pollInitialMs: 1_000, pollMaxMs: 30_000, timeoutMs: 600_000 }),
});
export type RecordReadSettings = z.input<typeof RecordReadSettings>;

/** A record read: each configured field (by the name it was configured with) as text, or null when empty. */
export type ReadRecord = Record<string, string | null>;

/** One page of records and the API it came through. */
export interface ReadPage {
  records: ReadRecord[];
  via: 'soql' | 'bulk';
}

interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string | null;
  records: Array<Record<string, unknown>>;
}

/**
 * Reads every record of an object with the configured fields, one page at a time, so the caller
 * holds a page, never the whole org. Values are text as Salesforce sends them (numbers such as
 * `5`, booleans `true`/`false`, date-times in ISO 8601 with `Z` or `+0000`): the caller parses what
 * it needs. Failures are classified like the rest of the adapter.
 */
export async function* readRecords(
  session: SalesforceSession,
  object: string,
  settings: RecordReadSettings,
  clock: JobClock = systemClock,
): AsyncGenerator<ReadPage> {
  const parsed = RecordReadSettings.parse(settings);
  const fields = uniqueNames(parsed.fields);
  assertApiName(object, 'object');
  [...fields, ...parsed.requireValue].forEach((name) => assertApiName(name, 'field'));
  const where = parsed.requireValue.map((name) => `${name} != null`).join(' AND ');
  const soql = `SELECT ${fields.join(', ')} FROM ${object}${where ? ` WHERE ${where}` : ''}`;

  if (parsed.strategy === 'bulk') {
    yield* viaBulk(session, soql, fields, parsed, clock);
    return;
  }
  let page = await session.request<QueryPage>({ method: 'GET', url: `/query?q=${encodeURIComponent(soql)}` });
  if (!page.done && parsed.strategy === 'auto' && page.totalSize >= parsed.bulkThreshold) {
    // The open SOQL cursor is simply left to expire: REST has no call to close one.
    yield* viaBulk(session, soql, fields, parsed, clock);
    return;
  }
  for (;;) {
    if (page.records.length > 0) yield { records: page.records.map((record) => fromJson(record, fields)), via: 'soql' };
    if (page.done || !page.nextRecordsUrl) return;
    page = await session.request<QueryPage>({ method: 'GET', url: page.nextRecordsUrl });
  }
}

async function* viaBulk(
  session: SalesforceSession,
  soql: string,
  fields: string[],
  settings: z.output<typeof RecordReadSettings>,
  clock: JobClock,
): AsyncGenerator<ReadPage> {
  for await (const set of bulkQuery(session, soql, {
    pageSize: settings.bulkPageSize,
    polling: settings.polling,
    clock,
  })) {
    // Salesforce names the columns in its own casing; match them to the configured names.
    const at = fields.map((field) => set.columns.findIndex((column) => column.toLowerCase() === field.toLowerCase()));
    const missing = fields.filter((_, i) => at[i] === -1);
    if (missing.length > 0)
      throw new PermanentError(`Salesforce Bulk API results lack the columns ${missing.join(', ')}`, {
        code: 'BULK_RESULT_SHAPE',
      });
    const records = set.rows.map((row) =>
      Object.fromEntries(fields.map((field, i) => [field, textOrNull(row[at[i] ?? -1])])),
    );
    yield { records, via: 'bulk' };
  }
}

/** A SOQL record flattened to the configured paths: `Owner.Email` reads `record.Owner.Email` (null along the way). */
function fromJson(record: Record<string, unknown>, fields: string[]): ReadRecord {
  const out: ReadRecord = {};
  for (const field of fields) {
    let value: unknown = record;
    for (const part of field.split('.')) {
      value = value && typeof value === 'object' ? valueOf(value as Record<string, unknown>, part) : undefined;
    }
    out[field] = textOrNull(value);
  }
  return out;
}

/** A property by API name; SOQL answers in the field's own casing, which may differ from the configured one. */
function valueOf(record: Record<string, unknown>, name: string): unknown {
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

/** Field names without repeats (API names are case-insensitive), first spelling kept. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const lower = name.toLowerCase();
    if (seen.has(lower)) return false;
    seen.add(lower);
    return true;
  });
}

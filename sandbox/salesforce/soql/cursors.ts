import { PREFIX, type IdFactory } from '../ids.js';

/** A page of query results as `/query` returns it. */
export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: unknown[];
}

// Since API v56.0 Salesforce sets no limit on open cursors (they live for two days); this bound
// only keeps a long-running sandbox's memory in check.
const MAX_OPEN_CURSORS = 1000;

/** Open query cursors: results beyond the first page, served through `nextRecordsUrl`. */
export class Cursors {
  private readonly open = new Map<string, unknown[]>();

  constructor(
    private readonly ids: IdFactory,
    private readonly pageSize: number,
  ) {}

  /** The first page of `rows`; opens a cursor when more pages follow. */
  first(rows: unknown[], version: string): QueryPage {
    if (rows.length <= this.pageSize) return { totalSize: rows.length, done: true, records: rows };
    const locator = this.ids.next(PREFIX.queryLocator);
    this.open.set(locator, rows);
    while (this.open.size > MAX_OPEN_CURSORS) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
    }
    return this.page(locator, rows, 0, version);
  }

  /** The page a `{locator}-{offset}` path segment points at, or undefined for an unknown/expired one. */
  more(segment: string, version: string): QueryPage | undefined {
    const match = /^([a-zA-Z0-9]{15,18})-(\d+)$/.exec(segment);
    const rows = match?.[1] ? this.open.get(match[1]) : undefined;
    if (!match?.[1] || !rows) return undefined;
    const offset = Number(match[2]);
    return offset < rows.length ? this.page(match[1], rows, offset, version) : undefined;
  }

  clear(): void {
    this.open.clear();
  }

  private page(locator: string, rows: unknown[], offset: number, version: string): QueryPage {
    const end = offset + this.pageSize;
    const records = rows.slice(offset, end);
    if (end >= rows.length) return { totalSize: rows.length, done: true, records };
    return {
      totalSize: rows.length,
      done: false,
      nextRecordsUrl: `/services/data/${version}/query/${locator}-${end}`,
      records,
    };
  }
}

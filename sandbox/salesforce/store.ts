import { id15 } from './ids.js';
import type { ObjectDef, Schema } from './schema.js';

/** A stored field value (dates and date-times as Salesforce-formatted strings). */
export type Value = string | number | boolean | null;

/** One stored record; `values` is keyed by canonical field API name and always holds `Id`. */
export interface StoredRecord {
  id: string;
  type: string;
  values: Record<string, Value>;
  deleted: boolean;
}

/**
 * In-memory record store with unique-value indexes (external-id and unique fields) and an undo
 * journal, so an allOrNone request can be rolled back for real.
 */
export class RecordStore {
  private readonly byId = new Map<string, StoredRecord>();
  private readonly byType = new Map<string, Map<string, StoredRecord>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private journal: Array<() => void> | undefined;

  constructor(private readonly schema: Schema) {}

  /** Live (or, with `includeDeleted`, also recycled) records of a type in insertion order. */
  all(type: string, includeDeleted = false): StoredRecord[] {
    const records = [...(this.byType.get(type)?.values() ?? [])];
    return includeDeleted ? records : records.filter((r) => !r.deleted);
  }

  /** A record by 15- or 18-character id. */
  get(id: string): StoredRecord | undefined {
    return this.byId.get(id15(id));
  }

  /** Live records of `type` whose indexed or plain field equals `value` (honouring case sensitivity). */
  findBy(object: ObjectDef, fieldName: string, value: string): StoredRecord[] {
    const def = object.field(fieldName);
    if (!def) return [];
    const wanted = normalize(value, def.caseSensitive);
    if (def.externalId || def.unique) {
      const ids = this.indexes.get(indexKey(object.name, def.name))?.get(wanted) ?? [];
      return [...ids].map((id) => this.byId.get(id)).filter((r): r is StoredRecord => !!r && !r.deleted);
    }
    return this.all(object.name).filter((r) => {
      const held = r.values[def.name];
      return held !== null && held !== undefined && normalize(String(held), def.caseSensitive) === wanted;
    });
  }

  insert(record: StoredRecord): void {
    this.place(record);
    this.journal?.push(() => this.displace(record));
  }

  /** Replaces a record's values (and deleted flag), keeping indexes right. */
  replace(record: StoredRecord, values: Record<string, Value>, deleted = record.deleted): void {
    const before = { values: record.values, deleted: record.deleted };
    this.unindex(record);
    record.values = values;
    record.deleted = deleted;
    this.index(record);
    this.journal?.push(() => {
      this.unindex(record);
      record.values = before.values;
      record.deleted = before.deleted;
      this.index(record);
    });
  }

  /** Runs `fn` so that everything it changes is undone when it returns `false`. */
  atomically<T>(fn: () => { commit: boolean; result: T }): T {
    const outer = this.journal;
    const journal: Array<() => void> = [];
    this.journal = journal;
    try {
      const { commit, result } = fn();
      if (!commit) for (const undo of journal.reverse()) undo();
      else outer?.push(...journal);
      return result;
    } finally {
      this.journal = outer;
    }
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.schema.list().map((o) => [o.name, this.all(o.name).length]));
  }

  clear(): void {
    this.byId.clear();
    this.byType.clear();
    this.indexes.clear();
  }

  private place(record: StoredRecord): void {
    this.byId.set(id15(record.id), record);
    let typed = this.byType.get(record.type);
    if (!typed) this.byType.set(record.type, (typed = new Map<string, StoredRecord>()));
    typed.set(id15(record.id), record);
    this.index(record);
  }

  private displace(record: StoredRecord): void {
    this.unindex(record);
    this.byId.delete(id15(record.id));
    this.byType.get(record.type)?.delete(id15(record.id));
  }

  private indexedFields(record: StoredRecord) {
    return (this.schema.object(record.type)?.fields() ?? []).filter((f) => f.externalId || f.unique);
  }

  private index(record: StoredRecord): void {
    if (record.deleted) return;
    for (const def of this.indexedFields(record)) {
      const value = record.values[def.name];
      if (value === null || value === undefined) continue;
      const key = indexKey(record.type, def.name);
      let index = this.indexes.get(key);
      if (!index) this.indexes.set(key, (index = new Map<string, Set<string>>()));
      const norm = normalize(String(value), def.caseSensitive);
      let ids = index.get(norm);
      if (!ids) index.set(norm, (ids = new Set()));
      ids.add(id15(record.id));
    }
  }

  private unindex(record: StoredRecord): void {
    for (const def of this.indexedFields(record)) {
      const value = record.values[def.name];
      if (value === null || value === undefined) continue;
      this.indexes
        .get(indexKey(record.type, def.name))
        ?.get(normalize(String(value), def.caseSensitive))
        ?.delete(id15(record.id));
    }
  }
}

const indexKey = (type: string, fieldName: string): string => `${type}.${fieldName}`;

/** External-id and unique matching ignore case unless the field is case-sensitive. */
export function normalize(value: string, caseSensitive: boolean): string {
  return caseSensitive ? value : value.toLowerCase();
}

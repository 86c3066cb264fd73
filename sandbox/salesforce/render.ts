import type { FieldDef, ObjectDef } from './schema.js';
import type { StoredRecord } from './store.js';

/** The REST URL of a record, as in `attributes.url`. */
export function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/${version}/sobjects/${type}/${id}`;
}

/** The `attributes` object every REST record carries. */
export function attributes(version: string, type: string, id: string): { type: string; url: string } {
  return { type, url: recordUrl(version, type, id) };
}

/** A record as `GET /sobjects/{Object}/{Id}` returns it: attributes, then the fields (all by default). */
export function renderRecord(
  object: ObjectDef,
  record: StoredRecord,
  version: string,
  fields: FieldDef[] = object.fields(),
): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: attributes(version, object.name, record.id) };
  for (const def of fields) out[def.name] = record.values[def.name] ?? null;
  return out;
}

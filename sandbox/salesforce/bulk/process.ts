import type { Dml, SaveResult } from '../dml.js';
import { recordErrors, type RecordError } from '../errors.js';
import type { IdFactory } from '../ids.js';
import type { FieldDef, ObjectDef, Schema } from '../schema.js';
import type { RecordStore } from '../store.js';

/**
 * What bulk jobs use of the org that owns them; an interface rather than the org class, so that
 * bulk/ does not import the module that constructs it.
 */
export interface BulkOrg {
  readonly schema: Schema;
  readonly store: RecordStore;
  readonly dml: Dml;
  readonly ids: IdFactory;
  readonly now: () => Date;
  lockContention(): boolean;
}

export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';

/** What processing one job's rows produced, row by row, for the three result files. */
export interface ProcessedRows {
  successful: Array<{ id: string; created: boolean; cells: string[] }>;
  failed: Array<{ id: string; error: string; cells: string[] }>;
}

const failed = (error: RecordError, id?: string): SaveResult => ({
  success: false,
  ...(id ? { id } : {}),
  errors: [error],
});

/** The `sf__Error` form of a record error: `CODE:message:fields --`. */
export function bulkError(error: RecordError): string {
  const fields = error.fields.length > 0 ? `${error.fields.join(',')} ` : '';
  return `${error.statusCode}:${error.message}:${fields}--`;
}

/** The first header column that names neither a field nor `Relationship.ExternalIdField`, if any. */
export function unknownColumn(org: BulkOrg, object: ObjectDef, header: string[]): string | undefined {
  return header.find((column) => {
    const [head = '', tail, ...rest] = column.split('.');
    if (tail === undefined) return !object.field(head);
    const via = object.relationship(head);
    const parent = via?.referenceTo ? org.schema.object(via.referenceTo) : undefined;
    return rest.length > 0 || !parent?.field(tail);
  });
}

/** A CSV row as a record body: empty cells are left out, `Rel.Field` columns become foreign keys. */
function rowBody(header: string[], cells: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  header.forEach((column, i) => {
    const cell = cells[i] ?? '';
    if (cell === '') return;
    const [head = '', tail] = column.split('.');
    body[head] = tail === undefined ? cell : { [tail]: cell };
  });
  return body;
}

function columnValue(header: string[], cells: string[], name: string): string {
  const i = header.findIndex((column) => column.toLowerCase() === name.toLowerCase());
  return i < 0 ? '' : (cells[i] ?? '');
}

/** Applies every row of a closed job through the same DML as the REST API. */
export function processRows(
  org: BulkOrg,
  object: ObjectDef,
  operation: IngestOperation,
  key: FieldDef | undefined,
  header: string[],
  rows: string[][],
): ProcessedRows {
  const out: ProcessedRows = { successful: [], failed: [] };
  for (const cells of rows) {
    const id = columnValue(header, cells, 'Id');
    const keyValue = key ? columnValue(header, cells, key.name) : '';
    const target = id
      ? org.store.get(id)
      : key && keyValue
        ? org.store.findBy(object, key.name, keyValue)[0]
        : undefined;
    const save = (): SaveResult => {
      const body = rowBody(header, cells);
      delete body.Id;
      if (org.lockContention()) return failed(recordErrors.unableToLockRow(target?.id), target?.id);
      if (operation === 'insert') return org.dml.create(object, body, 'csv');
      if (operation === 'upsert' && key) {
        if (keyValue === '') return failed(recordErrors.externalIdMissing(key.name));
        const result = org.dml.upsert(object, key, keyValue, body, 'csv');
        return 'ambiguous' in result
          ? failed(
              recordErrors.externalIdAmbiguous(
                key.label,
                result.ambiguous.map((r) => r.id),
              ),
            )
          : result;
      }
      if (!id) return failed(recordErrors.idMissing());
      if (!target || target.type !== object.name) return failed(recordErrors.invalidCrossReference('Id'));
      return operation === 'update' ? org.dml.update(object, target, body, 'csv') : org.dml.remove(target);
    };
    const result = save();
    if (result.success) out.successful.push({ id: result.id, created: result.created, cells });
    else out.failed.push({ id: result.id ?? '', error: result.errors.map(bulkError).join(' '), cells });
  }
  return out;
}

import { messages } from '../errors.js';
import { parseDateTime } from '../coerce.js';
import { attributes } from '../render.js';
import type { FieldDef, ObjectDef, Schema } from '../schema.js';
import type { RecordStore, StoredRecord, Value } from '../store.js';
import type { Cursors, QueryPage } from './cursors.js';
import {
  parseSoql,
  SoqlError,
  type Condition,
  type FieldPath,
  type Literal,
  type OrderKey,
  type SoqlQuery,
} from './parser.js';

/**
 * What SOQL reads of an org; an interface rather than the org class, so that the bulk jobs the org
 * owns can evaluate queries without an import cycle.
 */
export interface SoqlOrg {
  readonly schema: Schema;
  readonly store: RecordStore;
}

/** A field path resolved against the schema: the lookups to follow, then the field. */
export interface Resolved {
  hops: Array<{ via: FieldDef; object: ObjectDef }>;
  field: FieldDef;
}

type Comparable = string | number | boolean | null;

function resolve(root: ObjectDef, path: FieldPath, org: SoqlOrg): Resolved {
  const hops: Resolved['hops'] = [];
  let object = root;
  const last = path.parts.length - 1;
  for (const [i, part] of path.parts.entries()) {
    if (i === last) {
      const field = object.field(part);
      if (!field) throw new SoqlError('INVALID_FIELD', path.pos, messages.noSuchColumnSoql(part, object.name));
      return { hops, field };
    }
    const via = object.relationship(part);
    const parent = via?.referenceTo ? org.schema.object(via.referenceTo) : undefined;
    if (!via || !parent) throw new SoqlError('INVALID_FIELD', path.pos, messages.badRelationshipSoql(part));
    hops.push({ via, object: parent });
    object = parent;
  }
  throw new SoqlError('MALFORMED_QUERY', path.pos, "unexpected token: '<EOF>'");
}

/** The records along a path's lookups (undefined where a lookup is empty). */
function follow(org: SoqlOrg, record: StoredRecord, resolved: Resolved): Array<StoredRecord | undefined> {
  const chain: Array<StoredRecord | undefined> = [];
  let current: StoredRecord | undefined = record;
  for (const hop of resolved.hops) {
    const id: Value | undefined = current?.values[hop.via.name];
    const parent: StoredRecord | undefined = typeof id === 'string' ? org.store.get(id) : undefined;
    current = parent && !parent.deleted ? parent : undefined;
    chain.push(current);
  }
  return chain;
}

function valueAt(org: SoqlOrg, record: StoredRecord, resolved: Resolved): Value {
  const owner = resolved.hops.length === 0 ? record : follow(org, record, resolved).at(-1);
  return owner?.values[resolved.field.name] ?? null;
}

/** Values compared the SOQL way: text case-insensitively, ids by their 15-character form. */
function comparable(field: FieldDef, value: Value | Literal): Comparable {
  const raw = typeof value === 'object' && value !== null ? ('value' in value ? value.value : null) : value;
  if (raw === null || raw === undefined) return null;
  switch (field.type) {
    case 'double':
      return Number(raw);
    case 'boolean':
      return raw === true || raw === 'true';
    case 'id':
    case 'reference':
      return String(raw).slice(0, 15);
    case 'datetime':
      return parseDateTime(String(raw)) ?? String(raw);
    case 'date':
      return String(raw).slice(0, 10);
    default:
      return String(raw).toLowerCase();
  }
}

/** A WHERE condition ready to test records: its literals converted once for the field's type. */
interface Filter {
  condition: Condition;
  resolved: Resolved;
  wanted: Set<Comparable>;
  first: Comparable;
}

function filterFor(condition: Condition, resolved: Resolved): Filter {
  const wanted = condition.values.map((literal) => comparable(resolved.field, literal));
  return { condition, resolved, wanted: new Set(wanted), first: wanted[0] ?? null };
}

function matches(org: SoqlOrg, record: StoredRecord, { condition, resolved, wanted, first }: Filter): boolean {
  const held = comparable(resolved.field, valueAt(org, record, resolved));
  switch (condition.op) {
    case '=':
      return held === first;
    case '!=':
      return held !== first;
    case 'IN':
      return wanted.has(held);
    case 'NOT IN':
      return !wanted.has(held);
    default:
      if (held === null || first === null) return false;
      if (condition.op === '<') return held < first;
      if (condition.op === '>') return held > first;
      return condition.op === '<=' ? held <= first : held >= first;
  }
}

function compareBy(org: SoqlOrg, keys: Array<{ key: OrderKey; resolved: Resolved }>) {
  return (a: StoredRecord, b: StoredRecord): number => {
    for (const { key, resolved } of keys) {
      const x = comparable(resolved.field, valueAt(org, a, resolved));
      const y = comparable(resolved.field, valueAt(org, b, resolved));
      if (x === y) continue;
      if (x === null || y === null) return (x === null ? -1 : 1) * (key.nullsLast ? -1 : 1);
      return (x < y ? -1 : 1) * (key.descending ? -1 : 1);
    }
    return 0;
  };
}

function render(org: SoqlOrg, object: ObjectDef, record: StoredRecord, columns: Resolved[], version: string) {
  const row: Record<string, unknown> = { attributes: attributes(version, object.name, record.id) };
  for (const column of columns) {
    let target: Record<string, unknown> | null = row;
    const chain = follow(org, record, column);
    for (const [i, hop] of column.hops.entries()) {
      const name = hop.via.relationshipName ?? hop.via.name;
      const parent = chain[i];
      if (target[name] === undefined)
        target[name] = parent ? { attributes: attributes(version, hop.object.name, parent.id) } : null;
      target = target[name] as Record<string, unknown> | null;
      if (target === null) break;
    }
    if (target)
      target[column.field.name] = (column.hops.length === 0 ? record : chain.at(-1))?.values[column.field.name] ?? null;
  }
  return row;
}

/** What a query selects: its object, resolved columns and the matching records in result order. */
export interface Selection {
  object: ObjectDef;
  /** Empty for `SELECT COUNT()`. */
  columns: Resolved[];
  records: StoredRecord[];
}

/** Resolves a parsed query against the schema and filters, orders and limits the org's records. */
export function selectRecords(org: SoqlOrg, query: SoqlQuery, includeDeleted: boolean): Selection {
  const object = org.schema.object(query.from.name);
  if (!object) throw new SoqlError('INVALID_TYPE', query.from.pos, messages.unsupportedType(query.from.name));
  const columns = query.select === 'count' ? [] : query.select.map((path) => resolve(object, path, org));
  const filters = query.where.map((condition) => filterFor(condition, resolve(object, condition.path, org)));
  const order = query.orderBy.map((key) => ({ key, resolved: resolve(object, key.path, org) }));

  const kept = (record: StoredRecord) => filters.every((filter) => matches(org, record, filter));
  let records = org.store.all(object.name, includeDeleted).filter(kept);
  if (order.length > 0) records = records.sort(compareBy(org, order));
  if (query.limit !== undefined) records = records.slice(0, query.limit);
  return { object, columns, records };
}

/** A column's name in CSV results: the relationship names, then the field (`Account.Name`). */
export function columnName(column: Resolved): string {
  return [...column.hops.map((hop) => hop.via.relationshipName ?? hop.via.name), column.field.name].join('.');
}

/** A column's value for one record (null where a lookup along the path is empty). */
export function columnValue(org: SoqlOrg, record: StoredRecord, column: Resolved): Value {
  return valueAt(org, record, column);
}

/**
 * Runs a SOQL query of the supported subset over the org's records and returns the first page
 * (with a cursor for the rest). Throws `SoqlError` for anything Salesforce would reject.
 */
export function runSoql(
  org: SoqlOrg & { readonly cursors: Cursors },
  soql: string,
  version: string,
  includeDeleted: boolean,
): QueryPage {
  const query = parseSoql(soql);
  const { object, columns, records } = selectRecords(org, query, includeDeleted);
  if (query.select === 'count') return { totalSize: records.length, done: true, records: [] };
  return org.cursors.first(
    records.map((record) => render(org, object, record, columns, version)),
    version,
  );
}

import { coerceCsv, coerceJson } from './coerce.js';
import { recordErrors, type RecordError } from './errors.js';
import { formatAutoNumber, formatDateTime, id15, isIdShaped, type IdFactory } from './ids.js';
import type { FieldDef, ObjectDef, SaveCheckInput, Schema } from './schema.js';
import { CLOSED_CASE_STATUSES } from './standard-fields.js';
import type { RecordStore, StoredRecord, Value } from './store.js';

/** How field values arrive: JSON bodies (REST) or CSV cells (Bulk API 2.0). */
export type Flavour = 'json' | 'csv';

/** A record body: field or relationship name → JSON value (CSV rows are turned into the same shape). */
type Body = Record<string, unknown>;

/** The outcome of saving one record, shaped like a SaveResult/UpsertResult. */
export type SaveResult =
  { success: true; id: string; created: boolean } | { success: false; id?: string; errors: RecordError[] };

/** An upsert whose external id matched several records: nothing was saved. */
export interface Ambiguous {
  ambiguous: StoredRecord[];
}

export interface DmlContext {
  schema: Schema;
  store: RecordStore;
  ids: IdFactory;
  now: () => Date;
  userId: string;
  /** Told of every saved record (workflow actions such as outbound messages). */
  afterSave?: (object: ObjectDef, values: Record<string, Value>, prior: Record<string, Value> | undefined) => void;
}

const isPlainObject = (raw: unknown): raw is Body => typeof raw === 'object' && raw !== null && !Array.isArray(raw);

const blank = (value: Value | undefined): boolean => value === null || value === undefined || value === '';

const failed = (error: RecordError, id?: string): SaveResult => ({
  success: false,
  ...(id ? { id } : {}),
  errors: [error],
});

/** Record-level create/update/upsert/delete with Salesforce's validation, shared by REST, collections and bulk. */
export class Dml {
  constructor(private readonly ctx: DmlContext) {}

  create(object: ObjectDef, body: Body, flavour: Flavour = 'json'): SaveResult {
    const prepared = this.prepare(object, body, flavour);
    if ('error' in prepared) return failed(prepared.error);
    const values: Record<string, Value> = {};
    for (const def of object.fields()) {
      const given = prepared.values[def.name];
      values[def.name] = given !== undefined ? given : (def.defaultValue ?? (def.type === 'boolean' ? false : null));
    }
    const missing = object.fields().filter((def) => def.required && blank(values[def.name]));
    if (missing.length > 0) return failed(recordErrors.requiredMissing(missing.map((def) => def.name)));
    const broken = brokenRules(object, { isNew: true, values, prior: undefined });
    if (broken) return broken;
    const duplicate = this.duplicate(object, values);
    if (duplicate) return failed(duplicate);

    const id = this.ctx.ids.next(object.keyPrefix);
    const now = formatDateTime(this.ctx.now());
    for (const def of object.fields()) {
      if (def.autoNumber)
        values[def.name] = formatAutoNumber(def.autoNumber, this.ctx.ids.sequence(`${object.name}.${def.name}`));
    }
    Object.assign(values, { Id: id, IsDeleted: false, CreatedDate: now, CreatedById: this.ctx.userId });
    this.stamp(values, now);
    derive(object, values, undefined);
    this.formulas(object, values);
    this.ctx.store.insert({ id, type: object.name, values, deleted: false });
    this.ctx.afterSave?.(object, values, undefined);
    return { success: true, id, created: true };
  }

  update(object: ObjectDef, record: StoredRecord, body: Body, flavour: Flavour = 'json'): SaveResult {
    if (record.deleted) return failed(recordErrors.entityDeleted(), record.id);
    const prepared = this.prepare(object, body, flavour);
    if ('error' in prepared) return failed(prepared.error, record.id);
    const cleared = object
      .fields()
      .filter((def) => def.required && def.name in prepared.values && blank(prepared.values[def.name]));
    if (cleared.length > 0) return failed(recordErrors.requiredMissing(cleared.map((def) => def.name)), record.id);
    const values = { ...record.values, ...prepared.values };
    const broken = brokenRules(object, { isNew: false, values, prior: record.values });
    if (broken) return broken;
    const duplicate = this.duplicate(object, values, record.id);
    if (duplicate) return failed(duplicate, record.id);
    this.stamp(values, formatDateTime(this.ctx.now()));
    derive(object, values, record.values);
    this.formulas(object, values);
    const prior = record.values;
    this.ctx.store.replace(record, values);
    this.ctx.afterSave?.(object, values, prior);
    return { success: true, id: record.id, created: false };
  }

  /** Creates or updates the record whose `key` field holds `value`. */
  upsert(
    object: ObjectDef,
    key: FieldDef,
    value: string,
    body: Body,
    flavour: Flavour = 'json',
  ): SaveResult | Ambiguous {
    const matches = this.ctx.store.findBy(object, key.name, value);
    if (matches.length > 1) return { ambiguous: matches };
    // The key in the URL wins over any copy of it in the body.
    const rest = Object.fromEntries(Object.entries(body).filter(([k]) => k.toLowerCase() !== key.name.toLowerCase()));
    const withKey = { ...rest, [key.name]: value };
    const [match] = matches;
    return match ? this.update(object, match, withKey, flavour) : this.create(object, withKey, flavour);
  }

  /** Moves a record to the recycle bin: it leaves queries but stays visible to queryAll. */
  remove(record: StoredRecord): SaveResult {
    if (record.deleted) return failed(recordErrors.entityDeleted(), record.id);
    const values = { ...record.values, IsDeleted: true };
    this.stamp(values, formatDateTime(this.ctx.now()));
    this.ctx.store.replace(record, values, true);
    return { success: true, id: record.id, created: false };
  }

  /**
   * Cross-object formula fields (`Contact.App_User_Id__c`), evaluated at save time: Salesforce
   * evaluates them on every read, so here a later change of the parent shows at the next save.
   */
  private formulas(object: ObjectDef, values: Record<string, Value>): void {
    for (const def of object.fields()) {
      const path = def.formula ? /^(\w+)\.(\w+)$/.exec(def.formula.trim()) : null;
      if (!path) continue;
      const reference = object.relationship(path[1] ?? '');
      const parentId = reference ? values[reference.name] : null;
      const parent = typeof parentId === 'string' ? this.ctx.store.get(parentId) : undefined;
      values[def.name] = parent && !parent.deleted ? (parent.values[path[2] ?? ''] ?? null) : null;
    }
  }

  private stamp(values: Record<string, Value>, now: string): void {
    Object.assign(values, { LastModifiedDate: now, LastModifiedById: this.ctx.userId, SystemModstamp: now });
  }

  /** Body → canonical field values: unknown/read-only fields, types, lookups and foreign keys checked. */
  private prepare(
    object: ObjectDef,
    body: Body,
    flavour: Flavour,
  ): { values: Record<string, Value> } | { error: RecordError } {
    const values: Record<string, Value> = {};
    const readOnly: string[] = [];
    for (const [key, raw] of Object.entries(body)) {
      if (key === 'attributes') continue;
      const def = object.field(key);
      const relationship = def ? undefined : object.relationship(key);
      if (relationship && (isPlainObject(raw) || raw === null)) {
        const resolved = this.foreignKey(object, relationship, raw, flavour);
        if (typeof resolved === 'object' && resolved !== null) return { error: resolved };
        values[relationship.name] = resolved;
        continue;
      }
      if (!def) return { error: recordErrors.noSuchColumn(key, object.name) };
      if (def.readOnly) {
        readOnly.push(def.name);
        continue;
      }
      const coerced = flavour === 'csv' ? coerceCsv(def, String(raw)) : coerceJson(def, raw);
      if (!coerced.ok) return { error: coerced.error };
      const value =
        def.type === 'reference' && coerced.value !== null ? this.reference(def, String(coerced.value)) : coerced.value;
      if (typeof value === 'object' && value !== null) return { error: value };
      values[def.name] = value;
    }
    if (readOnly.length > 0) return { error: recordErrors.readOnly(readOnly) };
    return { values };
  }

  /** A lookup value: an id of the right object that exists, stored in its 18-character form. */
  private reference(def: FieldDef, id: string): string | RecordError {
    const target = def.referenceTo ? this.ctx.schema.object(def.referenceTo) : undefined;
    if (!isIdShaped(id) || (target && id.slice(0, 3) !== target.keyPrefix))
      return recordErrors.malformedId(def.label, def.name, id);
    const record = this.ctx.store.get(id);
    return record && !record.deleted ? record.id : recordErrors.invalidCrossReference(def.name);
  }

  /** `"Contact": {"App_User_Id__c": "u_1"}` → the id of that Contact, or the documented error. */
  private foreignKey(
    object: ObjectDef,
    relationship: FieldDef,
    raw: Body | null,
    flavour: Flavour,
  ): string | null | RecordError {
    if (raw === null) return null;
    const target = this.ctx.schema.object(relationship.referenceTo ?? '');
    const entries = Object.entries(raw).filter(([k]) => k !== 'attributes');
    const [entry] = entries;
    if (!target || !entry || entries.length !== 1) return recordErrors.foreignKeyShape(object.name);
    const [name, value] = entry;
    const key = target.field(name);
    if (!key) return recordErrors.noSuchColumn(name, target.name);
    if (!key.externalId) return recordErrors.foreignKeyNotExternal(key.name, target.name);
    if (value === null || (flavour === 'csv' && value === '#N/A')) return null;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const matches = this.ctx.store.findBy(target, key.name, text);
    const [match] = matches;
    if (!match) return recordErrors.foreignKeyNotFound(text, key.name, target.name);
    if (matches.length > 1) return recordErrors.foreignKeyAmbiguous(text, key.name, target.name);
    return match.id;
  }

  private duplicate(object: ObjectDef, values: Record<string, Value>, selfId?: string): RecordError | undefined {
    for (const def of object.fields()) {
      const value = values[def.name];
      if (!def.unique || blank(value)) continue;
      const other = this.ctx.store.findBy(object, def.name, String(value)).find((r) => r.id !== selfId);
      if (other) return recordErrors.duplicateValue(def.name, id15(other.id));
    }
    return undefined;
  }
}

/**
 * Validation rules run after the system checks and before the unique-index check, as in
 * Salesforce's order of execution; every rule that fires is reported. A failed result carries no
 * `id`: an UpsertResult's id "is null" when there was an error (api sforce_api_calls_upsert_upsertresult).
 */
function brokenRules(object: ObjectDef, save: SaveCheckInput): SaveResult | undefined {
  const errors = object.rules.flatMap((rule) => rule.check(save) ?? []);
  return errors.length > 0 ? { success: false, errors } : undefined;
}

/** Fields Salesforce computes: Contact.Name, Case.IsClosed/ClosedDate. */
function derive(object: ObjectDef, values: Record<string, Value>, before: Record<string, Value> | undefined): void {
  if (object.name === 'Contact') {
    values.Name = [values.FirstName, values.LastName].filter((part) => !blank(part)).join(' ');
  }
  if (object.name === 'Case') {
    const closed = CLOSED_CASE_STATUSES.has(String(values.Status ?? '').toLowerCase());
    values.IsClosed = closed;
    if (!closed) values.ClosedDate = null;
    else if (!before?.IsClosed) values.ClosedDate = values.LastModifiedDate ?? null;
  }
}

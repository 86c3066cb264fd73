import { z } from 'zod';
import type { RouteHandler, Router, SandboxRequest, SandboxResponse } from '../../common/router.js';
import type { SaveResult } from '../dml.js';
import { messages, recordErrors, restError, type RecordError } from '../errors.js';
import type { SalesforceOrg } from '../org.js';
import { renderRecord } from '../render.js';
import type { FieldDef } from '../schema.js';
import { normalize } from '../store.js';
import { externalIdField, notFound, objectFrom, readJson } from './common.js';

const MAX_RECORDS = 200;
const PATH = '/services/data/:version/composite/sobjects';

const Collection = z.object({
  allOrNone: z.boolean().optional().default(false),
  records: z.array(z.record(z.string(), z.unknown())),
});
type Collection = z.infer<typeof Collection>;

type Item = { success: true; id: string; created?: boolean } | { success: false; id?: string; errors: RecordError[] };

const failure = (error: RecordError, id?: string): Item => ({ success: false, ...(id ? { id } : {}), errors: [error] });

/** The request body, or the 400 a malformed or oversized collection gets. */
function readCollection(req: SandboxRequest): Collection | SandboxResponse {
  const parsed = readJson(req);
  if ('response' in parsed) return parsed.response;
  const body = Collection.safeParse(parsed.body);
  if (!body.success) {
    return restError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize the request body: ${body.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  if (body.data.records.length > MAX_RECORDS) return restError(400, 'EXCEEDED_ID_LIMIT', messages.tooManyRecords);
  return body.data;
}

const isResponse = (value: unknown): value is SandboxResponse =>
  typeof value === 'object' && value !== null && 'status' in value;

/** A SaveResult/UpsertResult item as the collection answer lists it. */
function resultBody(item: Item): Record<string, unknown> {
  if (!item.success) return { ...(item.id ? { id: item.id } : {}), success: false, errors: item.errors };
  return { id: item.id, success: true, errors: [], ...(item.created !== undefined ? { created: item.created } : {}) };
}

/**
 * Runs one collection: each record in order, and with allOrNone a real rollback whose
 * survivors report ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
function runAll(org: SalesforceOrg, allOrNone: boolean, steps: Array<() => Item>): SandboxResponse {
  const results = org.store.atomically(() => {
    const items = steps.map((step) => step());
    const commit = !allOrNone || items.every((item) => item.success);
    return {
      commit,
      result: commit ? items : items.map((item) => (item.success ? failure(recordErrors.rolledBack(), item.id) : item)),
    };
  });
  return { status: 200, body: results.map(resultBody) };
}

const fromSave = (result: SaveResult, withCreated: boolean): Item =>
  result.success ? { success: true, id: result.id, ...(withCreated ? { created: result.created } : {}) } : result;

const typeOf = (record: Record<string, unknown>): string | undefined => {
  const attributes = record.attributes;
  return typeof attributes === 'object' && attributes !== null && 'type' in attributes
    ? String(attributes.type)
    : undefined;
};

/** The external id a record carries (keys match case-insensitively), or undefined when blank. */
function keyValue(record: Record<string, unknown>, key: FieldDef): string | undefined {
  const value = Object.entries(record).find(([name]) => name.toLowerCase() === key.name.toLowerCase())?.[1];
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** sObject Collections: upsert by external id, create, update, delete and retrieve, ≤ 200 records per call. */
export function collectionRoutes(
  router: Router,
  org: SalesforceOrg,
  wrap: (handler: RouteHandler) => RouteHandler,
): void {
  const locked = (id?: string): Item | undefined =>
    org.lockContention() ? failure(recordErrors.unableToLockRow(id), id) : undefined;

  router.add(
    'PATCH',
    `${PATH}/:object/:field`,
    'collections.upsert',
    wrap((req) => {
      const object = objectFrom(org, req.params.object);
      const key = object ? externalIdField(object, req.params.field) : undefined;
      if (!object || !key) return notFound();
      const body = readCollection(req);
      if (isResponse(body)) return body;
      const counts = new Map<string, number>();
      for (const value of body.records.map((record) => keyValue(record, key))) {
        if (value !== undefined)
          counts.set(normalize(value, key.caseSensitive), (counts.get(normalize(value, key.caseSensitive)) ?? 0) + 1);
      }
      return runAll(
        org,
        body.allOrNone,
        body.records.map((record) => (): Item => {
          const value = keyValue(record, key);
          if (value === undefined) return failure(recordErrors.externalIdMissing(key.name));
          // Salesforce refuses every record of a call that repeats an external id.
          if ((counts.get(normalize(value, key.caseSensitive)) ?? 0) > 1)
            return failure(recordErrors.externalIdRepeated(value));
          const contention = locked(org.store.findBy(object, key.name, value)[0]?.id);
          if (contention) return contention;
          const result = org.dml.upsert(object, key, value, record);
          if ('ambiguous' in result)
            return failure(
              recordErrors.externalIdAmbiguous(
                key.label,
                result.ambiguous.map((r) => r.id),
              ),
            );
          return fromSave(result, true);
        }),
      );
    }),
  );

  router.add(
    'POST',
    PATH,
    'collections.create',
    wrap((req) => {
      const body = readCollection(req);
      if (isResponse(body)) return body;
      return runAll(
        org,
        body.allOrNone,
        body.records.map((record) => (): Item => {
          const object = objectFrom(org, typeOf(record));
          if (!object)
            return failure({
              statusCode: 'INVALID_TYPE',
              message: messages.unsupportedType(typeOf(record) ?? ''),
              fields: [],
            });
          return locked() ?? fromSave(org.dml.create(object, record), false);
        }),
      );
    }),
  );

  router.add(
    'PATCH',
    PATH,
    'collections.update',
    wrap((req) => {
      const body = readCollection(req);
      if (isResponse(body)) return body;
      return runAll(
        org,
        body.allOrNone,
        body.records.map((record) => (): Item => {
          const { id, Id, ...fields } = record;
          const rawId = typeof id === 'string' ? id : typeof Id === 'string' ? Id : undefined;
          if (!rawId) return failure(recordErrors.idMissing());
          const target = org.store.get(rawId);
          const object = objectFrom(org, typeOf(record) ?? target?.type);
          if (!object || !target || target.type !== object.name) {
            return failure(recordErrors.malformedId(`${object?.label ?? 'Record'} ID`, 'Id', rawId));
          }
          return locked(target.id) ?? fromSave(org.dml.update(object, target, fields), false);
        }),
      );
    }),
  );

  router.add(
    'DELETE',
    PATH,
    'collections.delete',
    wrap((req) => {
      const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
      if (ids.length > MAX_RECORDS) return restError(400, 'EXCEEDED_ID_LIMIT', messages.tooManyRecords);
      return runAll(
        org,
        req.query.get('allOrNone') === 'true',
        ids.map((id) => (): Item => {
          const target = org.store.get(id);
          if (!target) return failure(recordErrors.invalidCrossReference('Id'));
          return locked(target.id) ?? fromSave(org.dml.remove(target), false);
        }),
      );
    }),
  );

  router.add(
    'POST',
    `${PATH}/:object`,
    'collections.retrieve',
    wrap((req) => {
      const object = objectFrom(org, req.params.object);
      if (!object) return notFound();
      const parsed = readJson(req);
      if ('response' in parsed) return parsed.response;
      const body = z.object({ ids: z.array(z.string()).max(2000), fields: z.array(z.string()) }).safeParse(parsed.body);
      if (!body.success)
        return restError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize the request body: expected {ids, fields}');
      const fields = body.data.fields.map((name) => object.field(name));
      const unknown = body.data.fields.find((_name, i) => !fields[i]);
      if (unknown) return restError(400, 'INVALID_FIELD', recordErrors.noSuchColumn(unknown, object.name).message);
      const defs = fields.filter((f) => f !== undefined);
      const version = req.params.version ?? '';
      const render = (id: string) => {
        const record = org.store.get(id);
        return record && record.type === object.name && !record.deleted
          ? renderRecord(object, record, version, defs)
          : null;
      };
      return { status: 200, body: body.data.ids.map(render) };
    }),
  );
}

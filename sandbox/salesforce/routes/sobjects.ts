import type { RouteHandler, Router, SandboxResponse } from '../../common/router.js';
import { recordErrorResponse, recordErrors, restError } from '../errors.js';
import { apiVersion } from '../limits.js';
import type { SalesforceOrg } from '../org.js';
import { recordUrl, renderRecord } from '../render.js';
import type { ObjectDef } from '../schema.js';
import type { StoredRecord } from '../store.js';
import { externalIdField, notFound, objectFrom, readRecord } from './common.js';

const BASE = '/services/data/:version/sobjects/:object';

function live(object: ObjectDef, record: StoredRecord | undefined): record is StoredRecord {
  return !!record && record.type === object.name && !record.deleted;
}

/** Several records share the external id: 300 with their URLs (sObject Rows by External ID). */
function multipleChoices(version: string, records: StoredRecord[]): SandboxResponse {
  return { status: 300, body: records.map((r) => recordUrl(version, r.type, r.id)) };
}

/**
 * Single-record REST resources: create, retrieve, update, delete by Id, and upsert/retrieve by
 * external id (`/sobjects/{Object}/{Field}/{Value}`).
 */
export function sobjectRoutes(router: Router, org: SalesforceOrg, wrap: (handler: RouteHandler) => RouteHandler): void {
  router.add(
    'POST',
    BASE,
    'sobjects.create',
    wrap((req) => {
      const object = objectFrom(org, req.params.object);
      if (!object) return notFound();
      const parsed = readRecord(req);
      if ('response' in parsed) return parsed.response;
      const result = org.dml.create(object, parsed.record);
      if (!result.success) return recordErrorResponse(result.errors);
      const headers = { Location: recordUrl(req.params.version ?? '', object.name, result.id) };
      return { status: 201, headers, body: { id: result.id, success: true, errors: [] } };
    }),
  );

  router.add(
    'GET',
    `${BASE}/:id`,
    'sobjects.retrieve',
    wrap((req) => {
      const object = objectFrom(org, req.params.object);
      const record = object ? org.store.get(req.params.id ?? '') : undefined;
      if (!object || !live(object, record)) return notFound();
      const names = req.query
        .get('fields')
        ?.split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      const fields = names?.map((name) => object.field(name));
      const unknown = names?.find((_name, i) => !fields?.[i]);
      if (unknown) return restError(400, 'INVALID_FIELD', recordErrors.noSuchColumn(unknown, object.name).message);
      return {
        status: 200,
        body: renderRecord(
          object,
          record,
          req.params.version ?? '',
          fields?.filter((f) => f !== undefined),
        ),
      };
    }),
  );

  router.add(
    'PATCH',
    `${BASE}/:id`,
    'sobjects.update',
    wrap((req) => {
      const object = objectFrom(org, req.params.object);
      const record = object ? org.store.get(req.params.id ?? '') : undefined;
      if (!object || !live(object, record)) return notFound();
      const parsed = readRecord(req);
      if ('response' in parsed) return parsed.response;
      const result = org.dml.update(object, record, parsed.record);
      return result.success ? { status: 204 } : recordErrorResponse(result.errors);
    }),
  );

  router.add(
    'DELETE',
    `${BASE}/:id`,
    'sobjects.delete',
    wrap((req) => {
      const object = objectFrom(org, req.params.object);
      const record = object ? org.store.get(req.params.id ?? '') : undefined;
      if (!object || !record || record.type !== object.name) return notFound();
      const result = org.dml.remove(record);
      return result.success ? { status: 204 } : recordErrorResponse(result.errors, 404);
    }),
  );

  router.add(
    'PATCH',
    `${BASE}/:field/:value`,
    'sobjects.upsert',
    wrap((req) => {
      const object = objectFrom(org, req.params.object);
      const key = object ? externalIdField(object, req.params.field) : undefined;
      if (!object || !key) return notFound();
      const parsed = readRecord(req);
      if ('response' in parsed) return parsed.response;
      const version = req.params.version ?? '';
      const result = org.dml.upsert(object, key, req.params.value ?? '', parsed.record);
      if ('ambiguous' in result) return multipleChoices(version, result.ambiguous);
      if (!result.success) return recordErrorResponse(result.errors);
      const status = result.created ? 201 : 200;
      const headers = result.created ? { Location: recordUrl(version, object.name, result.id) } : undefined;
      // Up to v45.0 an update answered 204 without a body and a create omitted `created`.
      if (apiVersion(version) < 46) {
        return result.created
          ? { status, headers, body: { id: result.id, success: true, errors: [] } }
          : { status: 204 };
      }
      return { status, headers, body: { id: result.id, success: true, errors: [], created: result.created } };
    }),
  );

  router.add(
    'GET',
    `${BASE}/:field/:value`,
    'sobjects.retrieveByExternalId',
    wrap((req) => {
      const object = objectFrom(org, req.params.object);
      const key = object ? externalIdField(object, req.params.field) : undefined;
      if (!object || !key) return notFound();
      const matches = org.store.findBy(object, key.name, req.params.value ?? '');
      const [only] = matches;
      if (!only) return notFound();
      if (matches.length > 1) return multipleChoices(req.params.version ?? '', matches);
      return { status: 200, body: renderRecord(object, only, req.params.version ?? '') };
    }),
  );
}

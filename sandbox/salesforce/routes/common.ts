import type { SandboxRequest, SandboxResponse } from '../../common/router.js';
import { messages, restError } from '../errors.js';
import type { SalesforceOrg } from '../org.js';
import type { FieldDef, ObjectDef } from '../schema.js';

/** A parsed JSON body, or the 400 JSON_PARSER_ERROR answer for an unreadable one. */
export function readJson(req: SandboxRequest): { body: unknown } | { response: SandboxResponse } {
  try {
    return { body: req.json() };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { response: restError(400, 'JSON_PARSER_ERROR', `Unexpected character in JSON body: ${detail}`) };
  }
}

/** A JSON body that must be an object (a record). */
export function readRecord(req: SandboxRequest): { record: Record<string, unknown> } | { response: SandboxResponse } {
  const parsed = readJson(req);
  if ('response' in parsed) return parsed;
  const { body } = parsed;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const token = Array.isArray(body) ? 'START_ARRAY' : 'VALUE_STRING';
    return { response: restError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of SObject from ${token}`) };
  }
  return { record: body as Record<string, unknown> };
}

export const notFound = (): SandboxResponse => restError(404, 'NOT_FOUND', messages.notFound);

/** The sObject named in the URL; unknown objects are 404 NOT_FOUND like the real resource. */
export function objectFrom(org: SalesforceOrg, name: string | undefined): ObjectDef | undefined {
  return name ? org.schema.object(name) : undefined;
}

/** An upsert key named in the URL: it must be an external-id field of the object. */
export function externalIdField(object: ObjectDef, name: string | undefined): FieldDef | undefined {
  const def = name ? object.field(name) : undefined;
  return def?.externalId ? def : undefined;
}

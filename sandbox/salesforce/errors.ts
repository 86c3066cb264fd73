import type { SandboxResponse } from '../common/router.js';

/** A record-level error, as in a SaveResult/UpsertResult `errors` array. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** A REST error item; REST error bodies are always an array of these. */
export interface RestError {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** A REST error answer: `status` with a one-item error array. */
export function restError(status: number, errorCode: string, message: string, fields?: string[]): SandboxResponse {
  return { status, body: [{ message, errorCode, ...(fields ? { fields } : {}) }] };
}

/** A record error reported as a whole REST answer (single-record create/update/upsert). */
export function recordErrorResponse(errors: RecordError[], status = 400): SandboxResponse {
  return { status, body: errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })) };
}

const err = (statusCode: string, message: string, fields: string[] = []): RecordError => ({
  statusCode,
  message,
  fields,
});

const WSDL_HINT = 'Please reference your WSDL or the describe call for the appropriate names.';

/** Vendor wording of every error the emulator produces, in one place. */
export const messages = {
  notFound: 'The requested resource does not exist',
  sessionInvalid: 'Session expired or invalid',
  totalRequests: 'TotalRequests Limit exceeded.',
  concurrentLongTxn: 'ConcurrentPerOrgLongTxn Limit exceeded.',
  rolledBack: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  tooManyRecords: 'record limit reached. cannot submit more than 200 records into this call',
  noSuchColumnSoql: (column: string, object: string) =>
    `No such column '${column}' on entity '${object}'. ` +
    'If you are attempting to use a custom field, ' +
    `be sure to append the '__c' after the custom field name. ${WSDL_HINT}`,
  badRelationshipSoql: (name: string) =>
    `Didn't understand relationship '${name}' in field path. ` +
    'If you are attempting to use a custom relationship, ' +
    `be sure to append the '__r' after the custom relationship name. ${WSDL_HINT}`,
  unsupportedType: (object: string) =>
    `sObject type '${object}' is not supported. ` +
    `If you are attempting to use a custom object, be sure to append the '__c' after the entity name. ${WSDL_HINT}`,
};

/** Record-level errors, worded as Salesforce words them. */
export const recordErrors = {
  noSuchColumn: (column: string, object: string) =>
    err('INVALID_FIELD', `No such column '${column}' on sobject of type ${object}`),
  readOnly: (fields: string[]) =>
    err(
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${fields.join(', ')}. ` +
        'Please check the security settings of this field ' +
        'and verify that it is read/write for your profile or permission set.',
      fields,
    ),
  // Jackson's wording: the REST body is deserialized before any DML runs.
  jsonType: (typeName: string, token: string, shown: string) =>
    err(
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${typeName} from ${token} value ${shown} ` +
        'or request may be missing a required field',
    ),
  stringTooLong: (label: string, field: string, value: string, max: number) =>
    err('STRING_TOO_LONG', `${label}: data value too large: ${value} (max length=${max})`, [field]),
  invalidEmail: (label: string, field: string, value: string) =>
    err('INVALID_EMAIL_ADDRESS', `${label}: invalid email address: ${value}`, [field]),
  malformedId: (label: string, field: string, value: string) =>
    err('MALFORMED_ID', `${label}: id value of incorrect type: ${value}`, [field]),
  invalidCrossReference: (field: string) => err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [field]),
  requiredMissing: (fields: string[]) =>
    err('REQUIRED_FIELD_MISSING', `Required fields are missing: [${fields.join(', ')}]`, fields),
  duplicateValue: (field: string, existingId15: string) =>
    err('DUPLICATE_VALUE', `duplicate value found: ${field} duplicates value on record with id: ${existingId15}`),
  foreignKeyNotFound: (value: string, field: string, entity: string) =>
    err('INVALID_FIELD', `Foreign key external ID: ${value} not found for field ${field} in entity ${entity}`),
  foreignKeyAmbiguous: (value: string, field: string, entity: string) =>
    err(
      'DUPLICATE_EXTERNAL_ID',
      `Foreign key external ID: ${value} matched more than one record for field ${field} in entity ${entity}`,
    ),
  foreignKeyShape: (entity: string) =>
    err('INVALID_FIELD', `More than 1 field provided in an external foreign key reference in entity: ${entity}`),
  foreignKeyNotExternal: (field: string, entity: string) =>
    err('INVALID_FIELD', `Field name provided, ${field} is not an External ID or indexed field for ${entity}`),
  externalIdMissing: (field: string) => err('MISSING_ARGUMENT', `${field} not specified`),
  externalIdRepeated: (value: string) => err('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${value}`),
  externalIdAmbiguous: (label: string, ids: string[]) =>
    err('DUPLICATE_EXTERNAL_ID', `${label}: more than one record found for external id field: [${ids.join(', ')}]`),
  entityDeleted: () => err('ENTITY_IS_DELETED', 'entity is deleted'),
  idMissing: () => err('MISSING_ARGUMENT', 'Id not specified in an update call'),
  unableToLockRow: (id?: string) =>
    err('UNABLE_TO_LOCK_ROW', `unable to obtain exclusive access to this record${id ? ` or 1 records: ${id}` : ''}`),
  rolledBack: () => err('ALL_OR_NONE_OPERATION_ROLLED_BACK', messages.rolledBack),
  // A validation rule's own errorMessage; `fields` names its errorDisplayField, empty for "Top of Page".
  customValidation: (message: string, fields: string[]) => err('FIELD_CUSTOM_VALIDATION_EXCEPTION', message, fields),
};

/** The error body every Salesforce REST endpoint uses for a status without a more specific code. */
export function genericErrorBody(status: number, message: string): RestError[] {
  const code: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'INVALID_SESSION_ID',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    500: 'UNKNOWN_EXCEPTION',
    503: 'SERVER_UNAVAILABLE',
  };
  if (status === 404) return [{ message: messages.notFound, errorCode: 'NOT_FOUND' }];
  return [{ message, errorCode: code[status] ?? 'UNKNOWN_EXCEPTION' }];
}

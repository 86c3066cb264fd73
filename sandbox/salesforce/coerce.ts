import { recordErrors, type RecordError } from './errors.js';
import { formatDateTime } from './ids.js';
import type { FieldDef } from './schema.js';
import type { Value } from './store.js';

export type Coerced = { ok: true; value: Value } | { ok: false; error: RecordError };

const ok = (value: Value): Coerced => ({ ok: true, value });
const fail = (error: RecordError): Coerced => ({ ok: false, error });

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2}(?:\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A date-time string in any ISO 8601 form Salesforce accepts, as `2024-05-01T12:00:00.000+0000`. */
export function parseDateTime(text: string): string | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, day, hm = '00:00', seconds = ':00', zone = 'Z'] = m;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${day}T${hm}${seconds}${offset}`);
  return Number.isNaN(ms) ? undefined : formatDateTime(new Date(ms));
}

/** A `YYYY-MM-DD` date that exists on the calendar. */
function parseDate(text: string): string | undefined {
  if (!DATE.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? undefined : text;
}

const JACKSON_TYPE: Record<FieldDef['type'], string> = {
  id: 'string',
  string: 'string',
  textarea: 'string',
  email: 'string',
  url: 'string',
  phone: 'string',
  picklist: 'string',
  reference: 'string',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
};

function jsonToken(raw: unknown): { token: string; shown: string } {
  if (typeof raw === 'string') return { token: 'VALUE_STRING', shown: raw };
  if (typeof raw === 'number')
    return { token: Number.isInteger(raw) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT', shown: String(raw) };
  if (typeof raw === 'boolean') return { token: raw ? 'VALUE_TRUE' : 'VALUE_FALSE', shown: String(raw) };
  if (Array.isArray(raw)) return { token: 'START_ARRAY', shown: '[' };
  return { token: 'START_OBJECT', shown: '{' };
}

/** Checks what every text value must satisfy: maximum length and, for email fields, the format. */
function checkText(def: FieldDef, text: string): Coerced {
  if (def.length !== undefined && text.length > def.length)
    return fail(recordErrors.stringTooLong(def.label, def.name, text, def.length));
  if (def.type === 'email' && text !== '' && !EMAIL.test(text))
    return fail(recordErrors.invalidEmail(def.label, def.name, text));
  return ok(text);
}

/** A JSON body value for `def`, converted the way the REST API deserializes it. */
export function coerceJson(def: FieldDef, raw: unknown): Coerced {
  if (raw === null) return ok(null);
  const typeError = (): Coerced => {
    const { token, shown } = jsonToken(raw);
    return fail(recordErrors.jsonType(JACKSON_TYPE[def.type], token, shown));
  };
  switch (def.type) {
    case 'double':
      if (typeof raw === 'number') return ok(raw);
      return typeof raw === 'string' && NUMBER.test(raw.trim()) ? ok(Number(raw)) : typeError();
    case 'boolean':
      if (typeof raw === 'boolean') return ok(raw);
      return raw === 'true' || raw === 'false' ? ok(raw === 'true') : typeError();
    case 'date': {
      const date = typeof raw === 'string' ? parseDate(raw) : undefined;
      return date ? ok(date) : typeError();
    }
    case 'datetime': {
      const dateTime = typeof raw === 'string' ? parseDateTime(raw) : undefined;
      return dateTime ? ok(dateTime) : typeError();
    }
    default:
      if (typeof raw === 'string') return checkText(def, raw);
      if (typeof raw === 'number' || typeof raw === 'boolean') return checkText(def, String(raw));
      return typeError();
  }
}

/** A CSV cell for `def` (Bulk API 2.0): `#N/A` clears the field. */
export function coerceCsv(def: FieldDef, raw: string): Coerced {
  if (raw === '#N/A') return ok(null);
  const typeError = (): Coerced =>
    fail({
      statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
      message: `${def.label}: value not of required type: ${raw}`,
      fields: [def.name],
    });
  switch (def.type) {
    case 'double':
      return NUMBER.test(raw.trim()) ? ok(Number(raw)) : typeError();
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (['true', '1', 'yes'].includes(lower)) return ok(true);
      return ['false', '0', 'no'].includes(lower) ? ok(false) : typeError();
    }
    case 'date': {
      const date = parseDate(raw) ?? parseDateTime(raw)?.slice(0, 10);
      return date ? ok(date) : typeError();
    }
    case 'datetime': {
      const dateTime = parseDateTime(raw);
      return dateTime ? ok(dateTime) : typeError();
    }
    default:
      return checkText(def, raw);
  }
}

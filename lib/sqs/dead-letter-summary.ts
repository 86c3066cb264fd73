import { operatorReason } from './reason.js';

const ID_KEY = /(^id$|_id$|Id$)/;
const MAX_IDS = 4;
const MAX_ID_CHARS = 40;
const MAX_SUMMARY_CHARS = 160;

/**
 * What a dead-lettered message is, in one line an operator may read anywhere: its intent, its item
 * count and the ids it carries (`type` and `*_id`/`*Id` fields, at the top and one level down).
 * Never the data itself: a ticket's text or a person's address stays in the body, and an id that
 * happens to be an e-mail address is masked.
 */
export function describeBody(body: string, attributes: Readonly<Record<string, string>> = {}): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `not JSON (${Buffer.byteLength(body)} bytes)`;
  }
  if (!isRecord(parsed)) return `JSON ${Array.isArray(parsed) ? 'array' : typeof parsed}`;
  const type = typeof parsed.type === 'string' ? parsed.type : (attributes.intent ?? 'no type');
  const count = attributes.count ?? (typeof parsed.count === 'number' ? String(parsed.count) : undefined);
  const parts = [type, ...(count === undefined ? [] : [`count=${count}`]), ...idsOf(parsed).slice(0, MAX_IDS)];
  const text = operatorReason(parts.join(' '));
  return text.length <= MAX_SUMMARY_CHARS ? text : `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…`;
}

function idsOf(record: Record<string, unknown>): string[] {
  const nested = Object.values(record).filter(isRecord);
  return [record, ...nested].flatMap((object) =>
    Object.entries(object).flatMap(([key, value]) =>
      ID_KEY.test(key) && (typeof value === 'string' || typeof value === 'number')
        ? [`${key}=${String(value).slice(0, MAX_ID_CHARS)}`]
        : [],
    ),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

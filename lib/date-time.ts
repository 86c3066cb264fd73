import { $ZodRealError } from 'zod/v4/core';
import * as z from './zod-mini.js';

// `Date.parse` rolls impossible values over (2026-02-30 becomes 2 March, 24:00 the next day):
// every field is checked against the calendar before a date-time is believed.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/i;

const FORMAT_HINT = 'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T09:15:00Z';

/** Mixpanel refuses event times before this (docs.mixpanel.com reference/import-events, properties.time). */
export const EARLIEST_EVENT_TIME = '1971-01-01T00:00:00.000Z';
const EARLIEST_EVENT_MS = Date.parse(EARLIEST_EVENT_TIME);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * Reads an ISO 8601 / RFC 3339 date-time with a zone (`Z`, `+01:00` or `+0100`; seconds and
 * fractions optional) into epoch milliseconds, or says which part is impossible.
 */
export function parseDateTime(text: string): { ms: number } | { problem: string } {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return { problem: FORMAT_HINT };
  const [, y, mo, d, h, mi, s = '0', fraction = '', , sign, oh = '0', om = '0'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return { problem: `month ${mo} does not exist` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return { problem: `day ${d} does not exist in ${y}-${mo} (it has ${days} days)` };
  if (hour > 23) return { problem: `hour ${h} does not exist (00–23)` };
  if (minute > 59) return { problem: `minute ${mi} does not exist (00–59)` };
  if (second > 59) return { problem: `second ${s} does not exist (00–59)` };
  if (Number(oh) > 23 || Number(om) > 59) return { problem: `time zone offset ${sign}${oh}:${om} does not exist` };
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as they are.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const offsetMs = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === '-' ? -1 : 1);
  return { ms: date.getTime() - offsetMs };
}

function dateTimeFrom(earliestMs: number | undefined, tooEarly: string) {
  return z.pipe(
    z.string(),
    z.transform((value: string, ctx) => {
      const parsed = parseDateTime(value);
      if ('problem' in parsed) {
        ctx.issues.push({
          code: 'custom',
          message: parsed.problem === FORMAT_HINT ? FORMAT_HINT : `${value}: ${parsed.problem}`,
          input: value,
        });
        return z.NEVER;
      }
      if (earliestMs !== undefined && parsed.ms < earliestMs) {
        ctx.issues.push({ code: 'custom', message: `${value} ${tooEarly}`, input: value });
        return z.NEVER;
      }
      return new Date(parsed.ms).toISOString();
    }),
  );
}

/** A date-time checked against the calendar, normalised to UTC ISO 8601 with milliseconds. */
export const dateTime = dateTimeFrom(undefined, '');

/** A date-time that becomes a Mixpanel event time: also not before 1971 (the future is checked at ingress). */
export const eventTime = dateTimeFrom(
  EARLIEST_EVENT_MS,
  'is before 1971-01-01, which Mixpanel refuses as an event time',
);

/**
 * Refuses date-times later than `latestMs` (clocks drift, but a time far ahead is a bug or a forgery),
 * as a 400 naming each field, like a schema error.
 */
export function refuseLaterThan(
  fields: ReadonlyArray<{ path: Array<string | number>; value: string }>,
  latestMs: number,
  allowance: string,
): void {
  const issues = fields
    .filter((field) => Date.parse(field.value) > latestMs)
    .map((field) => ({
      code: 'custom' as const,
      path: field.path,
      message: `${field.value} is more than ${allowance} in the future`,
      input: field.value,
    }));
  if (issues.length > 0) throw new $ZodRealError(issues);
}

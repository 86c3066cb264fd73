import { $ZodError } from 'zod/v4/core';
import { dateTime, eventTime, parseDateTime, refuseLaterThan } from '../../lib/date-time.js';

const iso = (text: string): string | undefined => {
  const parsed = parseDateTime(text);
  return 'ms' in parsed ? new Date(parsed.ms).toISOString() : undefined;
};
const problem = (text: string): string | undefined => {
  const parsed = parseDateTime(text);
  return 'problem' in parsed ? parsed.problem : undefined;
};

describe('parseDateTime', () => {
  it('reads ISO 8601 with a zone, to the minute, second or fraction', () => {
    expect(iso('2026-11-20T09:30Z')).toBe('2026-11-20T09:30:00.000Z');
    expect(iso('2026-11-20T10:15:00+01:00')).toBe('2026-11-20T09:15:00.000Z');
    expect(iso('2026-11-20T08:45:00.123456-0030')).toBe('2026-11-20T09:15:00.123Z');
    expect(iso('2024-02-29T10:00:00Z')).toBe('2024-02-29T10:00:00.000Z');
    expect(iso('2000-02-29T10:00:00Z')).toBe('2000-02-29T10:00:00.000Z');
  });

  it('refuses days, hours, minutes and seconds the calendar does not have, instead of rolling them over', () => {
    expect(problem('2026-02-30T10:00:00Z')).toBe('day 30 does not exist in 2026-02 (it has 28 days)');
    expect(problem('2023-02-29T10:00:00Z')).toMatch(/day 29 does not exist/);
    expect(problem('1900-02-29T10:00:00Z')).toMatch(/day 29 does not exist/);
    expect(problem('2026-04-31T10:00:00Z')).toMatch(/day 31 does not exist/);
    expect(problem('2026-13-01T10:00:00Z')).toMatch(/month 13/);
    expect(problem('2026-00-10T10:00:00Z')).toMatch(/month 00/);
    expect(problem('2026-01-01T24:00:00Z')).toMatch(/hour 24/);
    expect(problem('2026-01-01T23:60:00Z')).toMatch(/minute 60/);
    expect(problem('2026-01-01T23:59:60Z')).toMatch(/second 60/);
    expect(problem('2026-01-01T10:00:00+24:00')).toMatch(/offset/);
  });

  it('refuses what is not an ISO 8601 date-time with a zone', () => {
    for (const text of ['2026-11-20T09:15:00', '2026-11-20', 'yesterday', '20/11/2026 09:15', '2026-11-20 09:15:00Z'])
      expect(problem(text)).toMatch(/must be an ISO 8601 date-time with a time zone/);
  });
});

describe('dateTime and eventTime', () => {
  it('normalise to UTC ISO with milliseconds', () => {
    expect(dateTime.parse('2026-11-20T10:15+01:00')).toBe('2026-11-20T09:15:00.000Z');
  });

  it('name the impossible part', () => {
    expect(dateTime.safeParse('2026-02-30T10:00:00Z').error?.issues[0]?.message).toBe(
      '2026-02-30T10:00:00Z: day 30 does not exist in 2026-02 (it has 28 days)',
    );
  });

  it('refuse event times before 1971, which Mixpanel refuses', () => {
    expect(eventTime.safeParse('1900-01-01T00:00:00Z').error?.issues[0]?.message).toMatch(/before 1971-01-01/);
    expect(eventTime.safeParse('1970-12-31T23:59:59Z').success).toBe(false);
    expect(eventTime.parse('1971-01-01T00:00:00Z')).toBe('1971-01-01T00:00:00.000Z');
  });
});

describe('refuseLaterThan', () => {
  it('names every field later than the limit', () => {
    const now = Date.parse('2026-11-20T09:00:00Z');
    let error: unknown;
    try {
      refuseLaterThan(
        [
          { path: ['a'], value: '2026-11-20T09:30:00.000Z' },
          { path: ['b', 0], value: '9999-12-31T00:00:00.000Z' },
        ],
        now + 60 * 60 * 1000,
        'an hour',
      );
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf($ZodError);
    expect((error as $ZodError).issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['b.0', '9999-12-31T00:00:00.000Z is more than an hour in the future'],
    ]);
  });
});

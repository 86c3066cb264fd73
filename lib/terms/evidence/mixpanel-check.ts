import type { ExportedEvent, MixpanelExportReader } from '../../clients/mixpanel/export.js';
import { RetryableError } from '../../errors.js';
import type { DayWindow, FieldMismatch, FoundEvent, MixpanelEventCheck } from './types.js';
import { textOrNull } from '../../text.js';

export const TERMS_EVENT = 'Terms Accepted';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Acceptance ids per `where` (keeps the URL short). */
const IDS_PER_QUERY = 40;
/** The raw export allows 3 queries per second (docs.mixpanel.com reference/rate-limits). */
const DEFAULT_SPACING_MS = 400;
const MAX_RETRY_WAIT_SECONDS = 10;

/** What the record says, to find and compare its event. */
export interface EventTarget {
  acceptanceId: string;
  /** UTC ISO 8601. */
  acceptedAt: string;
  userId: string | null;
  ipAddress: string | null;
  termsVersion: string | null;
  termsSha256: string | null;
}

export interface CheckOptions {
  /** Pause between export queries (default 400 ms: 3 queries/s). */
  spacingMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The accepted-at day ± 1 day (UTC). */
export function dayWindow(acceptedAt: string): DayWindow {
  const day = Date.parse(acceptedAt.slice(0, 10));
  return { fromDate: isoDay(day - DAY_MS), toDate: isoDay(day + DAY_MS) };
}

/**
 * Looks up each acceptance's `Terms Accepted` event by `acceptance_id` in its accepted-at day ± 1,
 * with as few export queries as the windows allow (overlapping windows share one), and checks it
 * against the record. A query that fails retryably is tried once more after a short wait.
 */
export async function checkEvents(
  reader: MixpanelExportReader,
  targets: readonly EventTarget[],
  options: CheckOptions = {},
): Promise<Map<string, MixpanelEventCheck>> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const spacingMs = options.spacingMs ?? DEFAULT_SPACING_MS;
  const checks = new Map<string, MixpanelEventCheck>();
  let queried = false;
  for (const group of groups(targets)) {
    if (queried && spacingMs > 0) await sleep(spacingMs);
    queried = true;
    const query = {
      ...group.window,
      events: [TERMS_EVENT],
      where: group.targets
        .map((target) => `properties["acceptance_id"] == ${JSON.stringify(target.acceptanceId)}`)
        .join(' or '),
    };
    let events: ExportedEvent[];
    try {
      events = await reader.exportEvents(query).catch(async (error: unknown) => {
        if (!(error instanceof RetryableError)) throw error;
        await sleep(Math.min(error.retryAfterSeconds ?? 2, MAX_RETRY_WAIT_SECONDS) * 1000);
        return reader.exportEvents(query);
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      for (const target of group.targets)
        checks.set(target.acceptanceId, { status: 'error', window: dayWindow(target.acceptedAt), message });
      continue;
    }
    for (const target of group.targets) {
      const window = dayWindow(target.acceptedAt);
      const match = events.find(
        (candidate) => candidate.event === TERMS_EVENT && candidate.properties.acceptance_id === target.acceptanceId,
      );
      const event = match ? found(match) : undefined;
      checks.set(
        target.acceptanceId,
        event
          ? { status: 'found', window, event, mismatches: compare(target, event, window) }
          : { status: 'missing', window },
      );
    }
  }
  return checks;
}

/** Targets in accepted-at order, grouped while their windows overlap or touch, ≤ 40 per group. */
function groups(targets: readonly EventTarget[]): Array<{ window: DayWindow; targets: EventTarget[] }> {
  const sorted = [...targets].sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt));
  const result: Array<{ window: DayWindow; targets: EventTarget[] }> = [];
  for (const target of sorted) {
    const window = dayWindow(target.acceptedAt);
    const last = result.at(-1);
    const touches = last !== undefined && Date.parse(window.fromDate) <= Date.parse(last.window.toDate) + DAY_MS;
    if (last && touches && last.targets.length < IDS_PER_QUERY) {
      last.window.toDate = window.toDate > last.window.toDate ? window.toDate : last.window.toDate;
      last.targets.push(target);
    } else {
      result.push({ window: { ...window }, targets: [target] });
    }
  }
  return result;
}

function found(event: ExportedEvent): FoundEvent {
  const p = event.properties;
  return {
    time: p.time,
    timeIso: new Date(p.time * 1000).toISOString(),
    distinctId: textOrNull(p.distinct_id),
    insertId: textOrNull(p.$insert_id),
    acceptedIp: textOrNull(p.accepted_ip),
    termsVersion: textOrNull(p.terms_version),
    termsSha256: textOrNull(p.terms_sha256),
    salesforceRecordId: textOrNull(p.salesforce_record_id),
  };
}

/**
 * Fields that must agree. The event time is only required to fall in the searched window: projects
 * created before 2023 export times shifted by the project time zone (help article "Export Raw Data").
 */
function compare(target: EventTarget, event: FoundEvent, window: DayWindow): FieldMismatch[] {
  const pairs: Array<[string, string | null, string | null]> = [
    ['accepted_ip', target.ipAddress?.toLowerCase() ?? null, event.acceptedIp?.toLowerCase() ?? null],
    ['terms_version', target.termsVersion, event.termsVersion],
    ['distinct_id', target.userId, event.distinctId],
    ['terms_sha256', target.termsSha256?.toLowerCase() ?? null, event.termsSha256?.toLowerCase() ?? null],
  ];
  const mismatches = pairs
    .filter(([, record, seen]) => record !== seen)
    .map(([field, record, seen]) => ({ field, record, event: seen }));
  const day = event.timeIso.slice(0, 10);
  if (day < window.fromDate || day > window.toDate)
    mismatches.push({ field: 'time', record: target.acceptedAt, event: event.timeIso });
  return mismatches;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

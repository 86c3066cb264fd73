import * as z from '../../zod-mini.js';
import { PermanentError, RetryableError } from '../../errors.js';
import type { MixpanelExportConfig } from './config.js';

/** What to read from the Raw Event Export API. */
export interface ExportQuery {
  /** First day, `YYYY-MM-DD`, inclusive (UTC for projects created since 2023, else the project's time zone). */
  fromDate: string;
  /** Last day, `YYYY-MM-DD`, inclusive. */
  toDate: string;
  /** Only these event names. */
  events?: readonly string[];
  /** A segmentation expression, e.g. `properties["acceptance_id"] == "a-1"`. */
  where?: string;
  /** At most this many events (Mixpanel: ≤ 100,000). */
  limit?: number;
}

/** One exported event; `time` is in seconds. */
export const ExportedEvent = z.object({
  event: z.string(),
  properties: z.catchall(z.object({ time: z.number() }), z.unknown()),
});
export type ExportedEvent = z.infer<typeof ExportedEvent>;

/** Reads raw events back from Mixpanel. Tests get a fake or the emulator; the adapter is `MixpanelExportClient`. */
export interface MixpanelExportReader {
  exportEvents(query: ExportQuery): Promise<ExportedEvent[]>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_LIMIT = 100_000;
// Large exports "can take a few minutes to generate": allow well over 60 s
// (docs.mixpanel.com reference/raw-event-export; help article "Export Raw Data").
const DEFAULT_TIMEOUT_MS = 180_000;

/**
 * `GET {data host}/api/2.0/export` with a service account (Basic auth + `project_id`); the JSONL
 * answer parsed line by line. Every failure is classified: no answer, 429 and 5xx are retryable;
 * a refused query or refused credentials (400, 401, 403, 404) is permanent. No sleeping retries.
 * https://docs.mixpanel.com/reference/raw-event-export
 */
export class MixpanelExportClient implements MixpanelExportReader {
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: MixpanelExportConfig,
    options: { fetchImpl?: typeof fetch; timeoutMs?: number } = {},
  ) {
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The matching events, in the order Mixpanel sent them. */
  async exportEvents(query: ExportQuery): Promise<ExportedEvent[]> {
    const url = this.urlFor(query);
    const auth = Buffer.from(`${this.config.serviceAccount}:${this.config.serviceAccountSecret}`).toString('base64');
    let response: Response;
    let body: string;
    try {
      // fetch asks for gzip and inflates it; the export is gzipped above 1,400 bytes.
      response = await this.fetchImpl(url, {
        headers: { authorization: `Basic ${auth}`, accept: 'text/plain' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      throw new RetryableError(`Mixpanel export did not answer: ${(error as Error).message}`, { cause: error });
    }
    if (response.status !== 200) throw classify(response, body);
    return parseJsonl(body);
  }

  private urlFor(query: ExportQuery): string {
    for (const [name, value] of [
      ['fromDate', query.fromDate],
      ['toDate', query.toDate],
    ] as const) {
      if (!DATE.test(value))
        throw new PermanentError(`Mixpanel export ${name} must be YYYY-MM-DD, got ${JSON.stringify(value)}`, {
          code: 'INVALID_QUERY',
        });
    }
    if (query.fromDate > query.toDate)
      throw new PermanentError(`Mixpanel export fromDate ${query.fromDate} is after toDate ${query.toDate}`, {
        code: 'INVALID_QUERY',
      });
    if (query.limit !== undefined && !(Number.isInteger(query.limit) && query.limit >= 1 && query.limit <= MAX_LIMIT)) {
      throw new PermanentError(`Mixpanel export limit must be an integer from 1 to ${MAX_LIMIT}`, {
        code: 'INVALID_QUERY',
      });
    }
    const params = new URLSearchParams({
      project_id: this.config.projectId,
      from_date: query.fromDate,
      to_date: query.toDate,
    });
    if (query.events) params.set('event', JSON.stringify(query.events));
    if (query.where) params.set('where', query.where);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return `${this.config.exportApiUrl}/api/2.0/export?${params.toString()}`;
  }
}

/** One event per line; a line that is not an event means the stream broke off (worth another try). */
function parseJsonl(body: string): ExportedEvent[] {
  const events: ExportedEvent[] = [];
  body.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    const event = ExportedEvent.safeParse(parsed);
    if (!event.success)
      throw new RetryableError(
        `Mixpanel export line ${index + 1} is not an event (incomplete answer?): ${line.slice(0, 120)}`,
      );
    events.push(event.data);
  });
  return events;
}

/** 429 (60 queries/hour, 3/second), 408 and 5xx are retryable; the rest cannot succeed as asked. */
function classify(response: Response, body: string): Error {
  const message = `Mixpanel export answered ${response.status}: ${describe(body)}`;
  if (response.status === 429 || response.status === 408 || response.status >= 500) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return new RetryableError(
      message,
      Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {},
    );
  }
  return new PermanentError(message, { code: `MIXPANEL_EXPORT_${response.status}` });
}

/** Errors come as plain text, or as JSON with `error` on other Mixpanel hosts. */
function describe(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && 'error' in parsed) return String(parsed.error);
  } catch {
    // plain text
  }
  return body.trim().slice(0, 300);
}

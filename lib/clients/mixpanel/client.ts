import { gzipSync } from 'node:zlib';
import * as z from '../../zod-mini.js';
import { chunkBy } from '../../batching.js';
import { PermanentError, RetryableError } from '../../errors.js';
import type { ItemResult } from '../../sqs/batch-collector.js';
import type { MixpanelConfig } from './config.js';
import { GroupUpdate, MixpanelEvent, ProfileUpdate } from './types.js';

/** What the hub sends to Mixpanel; one result per input item, in order. */
export interface MixpanelGateway {
  importEvents(events: readonly MixpanelEvent[]): Promise<ItemResult[]>;
  updateProfiles(updates: readonly ProfileUpdate[]): Promise<ItemResult[]>;
  updateGroups(updates: readonly GroupUpdate[]): Promise<ItemResult[]>;
}

// Mixpanel takes 2,000 records per request; 10 MB uncompressed today, 2 MB in older docs: stay under 2 MB.
export const MIXPANEL_BATCH_RECORDS = 2000;
export const MIXPANEL_BATCH_BYTES = 2 * 1024 * 1024;
const MAX_EVENT_BYTES = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 30_000;

interface FailedRecord {
  index: number;
  field?: string;
  message?: string;
}

/**
 * A small typed Mixpanel client for bulk relay: `/import` with `strict=1` and gzip, `/engage` and
 * `/groups` with `verbose=1`, 2,000 records per call, every failure classified as retryable or
 * permanent per record. No sleeping retries: the queue's back-off does the waiting.
 */
export class MixpanelClient implements MixpanelGateway {
  constructor(
    private readonly config: MixpanelConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async importEvents(events: readonly MixpanelEvent[]): Promise<ItemResult[]> {
    return this.inChunks(
      events,
      MixpanelEvent,
      (event) => event,
      (body) => this.sendImport(body),
    );
  }

  async updateProfiles(updates: readonly ProfileUpdate[]): Promise<ItemResult[]> {
    return this.inChunks(
      updates,
      ProfileUpdate,
      (update) => ({
        $token: this.config.projectToken,
        $distinct_id: update.distinctId,
        $ignore_time: update.ignoreTime,
        [update.operation]: update.operation === '$delete' ? '' : update.values,
      }),
      (body) => this.sendUpdates('/engage', body),
    );
  }

  async updateGroups(updates: readonly GroupUpdate[]): Promise<ItemResult[]> {
    return this.inChunks(
      updates,
      GroupUpdate,
      (update) => ({
        $token: this.config.projectToken,
        $group_key: update.groupKey,
        $group_id: update.groupId,
        [update.operation]: update.operation === '$delete' ? '' : update.values,
      }),
      (body) => this.sendUpdates('/groups', body),
    );
  }

  /**
   * Validates each item, sends the valid ones in chunks, and maps every outcome back to its input position. The
   * wire form is built from the parsed item, so the schema's defaults (e.g. `ignoreTime`) reach Mixpanel.
   */
  private async inChunks<T>(
    items: readonly unknown[],
    schema: z.core.$ZodType<T>,
    toWire: (item: T) => unknown,
    send: (records: unknown[]) => Promise<ItemResult[]>,
  ): Promise<ItemResult[]> {
    const results: ItemResult[] = new Array<ItemResult>(items.length).fill(undefined);
    const valid: Array<{ position: number; wire: unknown; bytes: number }> = [];
    items.forEach((item, position) => {
      const parsed = z.safeParse(schema, item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        results[position] = new PermanentError(
          `Invalid Mixpanel record: ${issue?.path.map(String).join('.')}: ${issue?.message}`,
          { code: 'INVALID_RECORD' },
        );
        return;
      }
      const wire = toWire(parsed.data);
      const bytes = Buffer.byteLength(JSON.stringify(wire));
      if (bytes > MAX_EVENT_BYTES)
        results[position] = new PermanentError(`Mixpanel record of ${bytes} bytes exceeds 1 MB`, {
          code: 'RECORD_TOO_LARGE',
        });
      else valid.push({ position, wire, bytes });
    });
    for (const chunk of chunkBy(valid, MIXPANEL_BATCH_RECORDS, MIXPANEL_BATCH_BYTES, (entry) => entry.bytes)) {
      let outcomes: ItemResult[];
      try {
        outcomes = await send(chunk.map((entry) => entry.wire));
      } catch (error) {
        outcomes = chunk.map(() => error as Error);
      }
      chunk.forEach((entry, i) => {
        results[entry.position] = outcomes[i];
      });
    }
    return results;
  }

  private async sendImport(records: unknown[]): Promise<ItemResult[]> {
    const url = `${this.config.apiUrl}/import?strict=1&project_id=${encodeURIComponent(this.config.projectId)}`;
    const response = await this.post(url, gzipSync(JSON.stringify(records)), { 'content-encoding': 'gzip' });
    const body = await readJson(response);
    if (response.status === 200) return records.map(() => undefined);
    if (response.status === 400) {
      const failed = (body as { failed_records?: FailedRecord[] } | undefined)?.failed_records;
      if (!failed)
        return records.map(
          () => new PermanentError(`Mixpanel refused the batch: ${describe(body)}`, { code: 'MIXPANEL_REJECTED' }),
        );
      // Valid records of a 400 were imported; only the listed ones failed.
      const byIndex = new Map(failed.map((record) => [record.index, record]));
      return records.map((_, i) => {
        const record = byIndex.get(i);
        return record
          ? new PermanentError(
              `Mixpanel rejected the event: ${record.field ?? 'record'}: ${record.message ?? 'invalid'}`,
              { code: 'MIXPANEL_INVALID_EVENT' },
            )
          : undefined;
      });
    }
    throw classify(response, body);
  }

  private async sendUpdates(path: '/engage' | '/groups', records: unknown[]): Promise<ItemResult[]> {
    const response = await this.post(`${this.config.apiUrl}${path}?verbose=1`, Buffer.from(JSON.stringify(records)));
    const body = await readJson(response);
    if (response.status === 200) {
      const verbose = body as { status?: number; error?: string | null } | undefined;
      if (verbose?.status === 1) return records.map(() => undefined);
      return records.map(
        () =>
          new PermanentError(`Mixpanel ${path} refused the batch: ${verbose?.error ?? describe(body)}`, {
            code: 'MIXPANEL_REJECTED',
          }),
      );
    }
    if (response.status === 400)
      return records.map(
        () =>
          new PermanentError(`Mixpanel ${path} refused the batch: ${describe(body)}`, { code: 'MIXPANEL_REJECTED' }),
      );
    throw classify(response, body);
  }

  private async post(url: string, body: Buffer, headers: Record<string, string> = {}): Promise<Response> {
    const auth = Buffer.from(`${this.config.serviceAccount}:${this.config.serviceAccountSecret}`).toString('base64');
    try {
      return await this.fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Basic ${auth}`,
          ...headers,
        },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new RetryableError(`Mixpanel did not answer: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** 429 and 5xx are worth retrying; so is 401, since a rotated secret is usually fixed soon. */
function classify(response: Response, body: unknown): Error {
  const retryAfter = Number(response.headers.get('retry-after'));
  const message = `Mixpanel answered ${response.status}: ${describe(body)}`;
  if (response.status === 429 || response.status >= 500 || response.status === 401 || response.status === 403) {
    return new RetryableError(message, {
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
      rateLimited: response.status === 429,
    });
  }
  return new PermanentError(message, { code: `MIXPANEL_${response.status}` });
}

/** A response's JSON body, or its text when it is not JSON. */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A vendor answer in one short line: its `error`, or the start of its text. */
export function describe(body: unknown): string {
  if (body && typeof body === 'object' && 'error' in body) return String(body.error);
  return typeof body === 'string' ? body.slice(0, 200) : (JSON.stringify(body)?.slice(0, 200) ?? '');
}

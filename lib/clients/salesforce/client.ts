import { chunkByCount } from '../../batching.js';
import { PermanentError, RetryableError } from '../../errors.js';
import type { SalesforceConfig } from './config.js';
import { MAX_COLLECTIONS_PER_CALL, sendComposite, type SubAnswer, type Subrequest } from './composite.js';
import type { ApiUsage, SalesforceGateway, UpsertOutcome } from './gateway.js';
import { saveResultOutcome, type SaveResult } from './record-outcomes.js';
import { SalesforceSession, type SessionBudget } from './session.js';
import { assertApiName, inListQueryUrls } from './soql.js';
import { asText } from '../../text.js';

/** sObject Collections take at most 200 records per call; so do our SOQL `IN` lists. */
export const SALESFORCE_COLLECTION_SIZE = 200;
// URI + headers may not exceed 16,384 bytes (else 414/431): a query URI stays under 12,000, which
// leaves room for the headers and still fits 200 typical emails in one query.
// https://help.salesforce.com/s/articleView?id=000386264&type=1
const DEFAULT_MAX_QUERY_URI_BYTES = 12_000;

interface QueryPage {
  done: boolean;
  nextRecordsUrl?: string | null;
  records: Array<Record<string, unknown>>;
}

interface Pending {
  position: number;
  /** The external id a record is matched by (upsert only): repeats of it go into later calls. */
  key?: string;
  /** The record as it goes on the wire, with `attributes.type`. */
  json: string;
}

/** How one kind of sObject Collections write is sent and read back; the rest is shared. */
interface CollectionWrite {
  object: string;
  method: 'POST' | 'PATCH';
  url: string;
  /** The external id field every record must carry (upsert), or none (create). */
  externalIdField?: string;
  /** `created` of a success whose result does not say (a create's SaveResult has no `created`). */
  createdByDefault: boolean;
}

/**
 * The hub's Salesforce adapter on jsforce: creates and upserts through sObject Collections of ≤ 200
 * records (allOrNone false) and `IN` look-ups through SOQL, up to 5 collections or queries in one
 * composite call, with every failure classified per record. No sleeping retries: retryable
 * outcomes go back to the queue, whose back-off does the waiting.
 */
export class SalesforceClient implements SalesforceGateway {
  private readonly session: SalesforceSession;
  /** What jsforce puts before a relative URL: the URI of a query is this plus `/query?q=…`. */
  private readonly uriPrefix: string;
  private readonly maxQueryUriBytes: number;
  /** Collections (or queries) per API call: 1 sends each on its own, more go through Composite. */
  private readonly perCall: number;

  /**
   * `session` shares one token and one API-usage reading with other adapters of the same org (e.g. Bulk API);
   * without one, `budget` makes every call reserve from the org's shared ledger.
   */
  constructor(
    config: SalesforceConfig,
    options: {
      timeoutMs?: number;
      maxQueryUriBytes?: number;
      session?: SalesforceSession;
      budget?: SessionBudget;
    } = {},
  ) {
    this.session = options.session ?? new SalesforceSession(config, options);
    this.uriPrefix = `/services/data/v${config.apiVersion}`;
    this.maxQueryUriBytes = options.maxQueryUriBytes ?? DEFAULT_MAX_QUERY_URI_BYTES;
    this.perCall = Math.min(
      MAX_COLLECTIONS_PER_CALL,
      Math.max(1, config.collectionsPerCall ?? MAX_COLLECTIONS_PER_CALL),
    );
  }

  apiUsage(): ApiUsage | undefined {
    return this.session.apiUsage();
  }

  async upsert(
    object: string,
    externalIdField: string,
    records: ReadonlyArray<Record<string, unknown>>,
  ): Promise<UpsertOutcome[]> {
    try {
      assertApiName(object, 'object');
      assertApiName(externalIdField, 'external id field');
    } catch (error) {
      return new Array<UpsertOutcome>(records.length).fill(error as PermanentError);
    }
    return this.write(
      {
        object,
        method: 'PATCH',
        url: `/composite/sobjects/${object}/${externalIdField}`,
        externalIdField,
        createdByDefault: false,
      },
      records,
    );
  }

  async insert(object: string, records: ReadonlyArray<Record<string, unknown>>): Promise<UpsertOutcome[]> {
    try {
      assertApiName(object, 'object');
    } catch (error) {
      return new Array<UpsertOutcome>(records.length).fill(error as PermanentError);
    }
    return this.write({ object, method: 'POST', url: '/composite/sobjects', createdByDefault: true }, records);
  }

  /**
   * Checks and serialises each record, sends them in sequential calls of ≤ 200 and maps every result back to its
   * position.
   */
  private async write(
    write: CollectionWrite,
    records: ReadonlyArray<Record<string, unknown>>,
  ): Promise<UpsertOutcome[]> {
    const { object, externalIdField } = write;
    const outcomes = new Array<UpsertOutcome>(records.length);
    const sendable: Pending[] = [];
    records.forEach((record, position) => {
      let key: string | undefined;
      if (externalIdField !== undefined) {
        const value = record[externalIdField];
        if (value === undefined || value === null || value === '') {
          outcomes[position] = new PermanentError(
            `${object}.${externalIdField} is missing: an upsert needs the external id`,
            { code: 'MISSING_ARGUMENT' },
          );
          return;
        }
        key = asText(value);
      }
      try {
        const { attributes: _ignored, ...fields } = record;
        sendable.push({
          position,
          ...(key !== undefined ? { key } : {}),
          json: JSON.stringify({ attributes: { type: object }, ...fields }),
        });
      } catch (error) {
        outcomes[position] = new PermanentError(
          `The ${object} record cannot be sent as JSON: ${(error as Error).message}`,
          { code: 'INVALID_RECORD', cause: error },
        );
      }
    });
    let stop: Error | undefined;
    for (const group of chunkByCount(collections(sendable), this.perCall)) {
      if (stop) {
        for (const entry of group.flat()) outcomes[entry.position] = stop;
        continue;
      }
      try {
        const answers = await this.send(
          group.map((chunk) => ({
            method: write.method,
            url: write.url,
            json: `{"allOrNone":false,"records":[${chunk.map((entry) => entry.json).join(',')}]}`,
          })),
        );
        group.forEach((chunk, c) => {
          const answer = answers[c];
          chunk.forEach((entry, i) => {
            outcomes[entry.position] = !answer?.ok
              ? (answer?.error ?? new RetryableError('Salesforce returned no answer for this collection'))
              : saveResultOutcome(
                  Array.isArray(answer.body) ? (answer.body[i] as SaveResult | undefined) : undefined,
                  write.createdByDefault,
                );
          });
        });
      } catch (error) {
        // A whole-call failure fails this call's records only, unless nothing sent now could succeed.
        const failure = error instanceof Error ? error : new RetryableError(String(error));
        for (const entry of group.flat()) outcomes[entry.position] = failure;
        if (this.session.isOrgWide(failure)) stop = failure;
      }
    }
    return outcomes;
  }

  /**
   * One API call for the subrequests (URLs relative to `/services/data/vXX.X`): one alone goes as
   * itself, several as one composite call. A whole-call failure is thrown.
   */
  private async send(subrequests: readonly Subrequest[]): Promise<SubAnswer[]> {
    const [only] = subrequests;
    if (only && subrequests.length === 1) {
      const body = await this.session.request<unknown>({
        method: only.method,
        url: only.url,
        ...(only.json === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: only.json }),
      });
      return [{ ok: true, body }];
    }
    return sendComposite(
      this.session,
      subrequests.map((sub) => ({ ...sub, url: this.uriPrefix + sub.url })),
    );
  }

  async queryWhereIn<T extends Record<string, unknown>>(
    object: string,
    fields: readonly string[],
    field: string,
    values: readonly string[],
  ): Promise<T[]> {
    assertApiName(object, 'object');
    assertApiName(field, 'field');
    fields.forEach((name) => assertApiName(name, 'field'));
    if (values.length === 0 || fields.length === 0) return [];
    const urls = inListQueryUrls(`SELECT ${[...new Set(fields)].join(', ')} FROM ${object} WHERE ${field}`, values, {
      uriPrefix: this.uriPrefix,
      maxUriBytes: this.maxQueryUriBytes,
      maxValues: SALESFORCE_COLLECTION_SIZE,
    });
    const rows: T[] = [];
    const keep = (page: QueryPage) => rows.push(...page.records.map((record) => withoutAttributes(record) as T));
    for (const group of chunkByCount(urls, this.perCall)) {
      const answers = await this.send(group.map((url) => ({ method: 'GET', url })));
      for (const answer of answers) {
        if (!answer.ok) throw answer.error;
        let page = answer.body as QueryPage;
        keep(page);
        while (!page.done && page.nextRecordsUrl) {
          page = await this.session.request<QueryPage>({ method: 'GET', url: page.nextRecordsUrl });
          keep(page);
        }
      }
    }
    return rows;
  }
}

/**
 * Packs records into calls of ≤ 200. Salesforce refuses every record of an upsert call that
 * repeats an external id, so a repeat goes into a later call than the previous record with that
 * id (calls are sent in order, so the last write still wins). Records without a key pack freely.
 */
function collections(entries: readonly Pending[]): Pending[][] {
  const chunks: Pending[][] = [];
  const lastChunkOf = new Map<string, number>();
  for (const entry of entries) {
    // External ids match case-insensitively unless the field is marked case-sensitive: assume the stricter case.
    const key = entry.key?.toLowerCase();
    let index = (key === undefined ? -1 : (lastChunkOf.get(key) ?? -1)) + 1;
    while (index < chunks.length && (chunks[index]?.length ?? 0) >= SALESFORCE_COLLECTION_SIZE) index += 1;
    (chunks[index] ??= []).push(entry);
    if (key !== undefined) lastChunkOf.set(key, index);
  }
  return chunks;
}

/** A query row without the `attributes` Salesforce adds to every record (and to nested parents). */
function withoutAttributes(value: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === 'attributes') continue;
    row[key] =
      field && typeof field === 'object' && !Array.isArray(field)
        ? withoutAttributes(field as Record<string, unknown>)
        : field;
  }
  return row;
}

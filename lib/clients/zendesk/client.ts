import zendesk from 'node-zendesk';
import { chunkByCount } from '../../batching.js';
import { PermanentError, RetryableError } from '../../errors.js';
import { classifyResponse, transportFailure } from './classify.js';
import type { ZendeskConfig } from './config.js';
import type { ExportPage, ZendeskGateway, ZendeskUserSummary } from './gateway.js';
import { toExportPage, toUserSummary } from './mapping.js';

/**
 * `show_many` takes "a comma-separated list of up to 100" ids
 * (api-reference/ticketing/users/users#show-many-users).
 */
export const ZENDESK_SHOW_MANY_IDS = 100;
const DEFAULT_TIMEOUT_MS = 30_000;

export interface ZendeskClientOptions {
  fetchImpl?: typeof fetch;
  /** Per request, body included (default 30 s). */
  timeoutMs?: number;
}

/** An answer read whole, so every connection is released and error bodies can be quoted. */
interface Answer {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

/** What our `responseAdapter` hands node-zendesk, and what it gives back as `response`. */
interface SdkResponse {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text: string;
  json(): Promise<unknown>;
}

/**
 * The Zendesk adapter: look-ups through node-zendesk v6, the incremental export by plain fetch,
 * both with API-token Basic auth (`{email}/token:{token}`), a timeout, and every failure
 * classified as retryable or permanent. No sleeping retries: the queue's back-off (or the
 * backfill runner) does the waiting.
 */
export class ZendeskClient implements ZendeskGateway {
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly sdk: ReturnType<typeof zendesk.createClient>;

  constructor(
    private readonly config: ZendeskConfig,
    options: ZendeskClientOptions = {},
  ) {
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.sdk = zendesk.createClient({
      username: config.email,
      token: config.apiToken,
      endpointUri: config.apiUrl,
      // Without it node-zendesk rethrows every failure as a bare Error and the status is lost.
      throwOriginalException: true,
      // Our own transport: node-zendesk's default (cross-fetch) has no timeout and passes all its
      // options, the token included, into the fetch init. Reading the body here also releases the
      // connection on answers node-zendesk does not read (it only parses application/json).
      transportConfig: {
        transportFn: (uri: string, init: { method: string; headers: Record<string, string>; body?: string }) =>
          this.send(uri, { method: init.method, headers: init.headers, body: init.body }, 'users/show_many'),
        responseAdapter: (answer: Answer): SdkResponse => ({
          status: answer.status,
          statusText: answer.statusText,
          headers: answer.headers,
          text: answer.text,
          json: () => Promise.resolve(JSON.parse(answer.text) as unknown),
        }),
      },
    });
  }

  async usersByIds(ids: readonly number[]): Promise<Map<number, ZendeskUserSummary>> {
    const unique = [...new Set(ids)].filter((id) => Number.isSafeInteger(id) && id > 0);
    const found = new Map<number, ZendeskUserSummary>();
    for (const chunk of chunkByCount(unique, ZENDESK_SHOW_MANY_IDS)) {
      for (const json of await this.showManyUsers(chunk)) {
        const user = toUserSummary(json);
        found.set(user.id, user);
      }
    }
    return found;
  }

  async exportTickets(from: { startTime: number } | { cursor: string }): Promise<ExportPage> {
    // Plain fetch, not node-zendesk's `ticketexport.exportCursor(startTime, cursor)`: without a
    // cursor it sends `cursor=undefined` (Zendesk answers 422), and with one it still sends
    // `start_time` and appends `page[size]=100`, neither of which the cursor export documents
    // (it pages by `cursor` alone, api-reference/ticketing/ticket-management/incremental_exports).
    let query: string;
    if ('cursor' in from) query = `cursor=${encodeURIComponent(from.cursor)}`;
    else if (Number.isSafeInteger(from.startTime) && from.startTime >= 0) query = `start_time=${from.startTime}`;
    else
      throw new PermanentError(`Invalid export start time ${from.startTime}: Unix seconds expected`, {
        code: 'ZENDESK_INVALID_START_TIME',
      });

    const what = 'the incremental ticket export';
    const answer = await this.send(
      `${this.config.apiUrl}/incremental/tickets/cursor.json?${query}`,
      { method: 'GET', headers: this.headers() },
      what,
    );
    if (answer.status !== 200)
      throw classifyResponse(answer.status, answer.headers.get('retry-after'), answer.text, what);
    return toExportPage(parseJson(answer.text, what));
  }

  private async showManyUsers(ids: number[]): Promise<unknown[]> {
    const what = 'users/show_many';
    let outcome: { response: object; result: unknown };
    try {
      outcome = await this.sdk.users.showMany(ids);
    } catch (error) {
      // Statuses node-zendesk knows (400, 401, 403, 404, 422, 500, 503, ...) are thrown with `statusCode`.
      if (error instanceof RetryableError || error instanceof PermanentError) throw error;
      const { statusCode, result } = error as { statusCode?: unknown; result?: unknown };
      if (typeof statusCode === 'number') throw classifyResponse(statusCode, null, JSON.stringify(result ?? ''), what);
      throw error;
    }
    // node-zendesk resolves instead of throwing on any answer carrying `Retry-After` (its `result`
    // is then an Error labelled 429, whatever the status) and on statuses it has no name for
    // (502, 504, ...): the status decides, not the promise.
    const response = outcome.response as SdkResponse;
    if (response.status < 200 || response.status >= 300) {
      throw classifyResponse(response.status, response.headers.get('retry-after'), response.text, what);
    }
    if (!Array.isArray(outcome.result)) {
      throw new PermanentError(`Zendesk sent an unexpected ${what} answer: no users array`, {
        code: 'ZENDESK_UNEXPECTED_RESPONSE',
      });
    }
    return outcome.result as unknown[];
  }

  /** One request with a timeout, read whole; a failed connection or timeout is a `RetryableError`. */
  private async send(url: string, init: RequestInit, what: string): Promise<Answer> {
    try {
      const response = await this.fetchImpl(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      return {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        text: await response.text(),
      };
    } catch (error) {
      throw transportFailure(error, what, this.timeoutMs);
    }
  }

  private headers(): Record<string, string> {
    const credentials = Buffer.from(`${this.config.email}/token:${this.config.apiToken}`).toString('base64');
    return { authorization: `Basic ${credentials}`, accept: 'application/json' };
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PermanentError(`Zendesk answered ${what} with something other than JSON: ${text.slice(0, 200)}`, {
      code: 'ZENDESK_UNEXPECTED_RESPONSE',
    });
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { latencyMs, type LatencyOption } from '../common/faults.js';
import type { Random } from '../common/random.js';
import type { RouteHandler, SandboxResponse } from '../common/router.js';
import type { Auth } from './auth.js';
import { messages, restError } from './errors.js';

export interface UsageSettings {
  /** The org's DailyApiRequests allocation. */
  dailyApiRequests: number;
  /** Calls already spent in the rolling 24 h when the emulator starts. */
  apiUsage: number;
  /** Requests allowed in flight at once before REQUEST_LIMIT_EXCEEDED. */
  concurrentRequestLimit: number;
  /** How long each API request occupies a slot (stands in for Salesforce's long-running transactions). */
  serviceTimeMs?: LatencyOption;
  /** API requests admitted per second; those over it wait their turn in arrival order. None: no cap. */
  requestsPerSecond?: number;
}

/** The org's API consumption: the daily request budget and the in-flight request limit. */
export class ApiUsage {
  used: number;
  max: number;
  inFlight = 0;
  concurrentRequestLimit: number;
  serviceTimeMs: LatencyOption | undefined;
  /** How long each composite subrequest after the first adds to its call (Salesforce runs them in turn). */
  compositeSubrequestMs: LatencyOption | undefined;
  /** Answers 403 REQUEST_LIMIT_EXCEEDED so far (daily budget or concurrency). */
  refused = 0;
  private requestsPerSecond: number | undefined;
  /** When the next request over the cap may go in (ms since the epoch). */
  private nextSlotAt = 0;

  constructor(settings: UsageSettings) {
    this.used = settings.apiUsage;
    this.max = settings.dailyApiRequests;
    this.concurrentRequestLimit = settings.concurrentRequestLimit;
    this.serviceTimeMs = settings.serviceTimeMs;
    this.requestsPerSecond = settings.requestsPerSecond;
  }

  get rateCap(): number | undefined {
    return this.requestsPerSecond;
  }

  set rateCap(perSecond: number | undefined) {
    this.requestsPerSecond = perSecond;
    this.nextSlotAt = 0;
  }

  /**
   * Waits for this request's turn under the requests-per-second cap. Turns are handed out evenly
   * spaced in arrival order, so requests over the cap queue (FIFO) rather than being refused.
   */
  async admit(): Promise<void> {
    if (this.requestsPerSecond === undefined) return;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = slot + 1000 / this.requestsPerSecond;
    if (slot > now) await sleep(slot - now);
  }

  /** `Sforce-Limit-Info` as every REST answer carries it. */
  header(): Record<string, string> {
    return { 'Sforce-Limit-Info': `api-usage=${this.used}/${this.max}` };
  }
}

type Allocation = { Max: number; Remaining: number };

/** The `/limits` resource: DailyApiRequests from the usage counters, the rest static allocations. */
export function limitsBody(
  usage: ApiUsage,
  bulk: { batchesUsed: number; queryJobsCreated: number },
  recordCount: number,
): Record<string, Allocation> {
  // Salesforce counts most records as 2 KB of data storage.
  const dataStorageMb = Math.ceil((recordCount * 2) / 1024);
  return {
    DailyApiRequests: { Max: usage.max, Remaining: Math.max(0, usage.max - usage.used) },
    DailyBulkApiBatches: { Max: 15000, Remaining: Math.max(0, 15000 - bulk.batchesUsed) },
    DailyBulkV2QueryJobs: { Max: 10000, Remaining: Math.max(0, 10000 - bulk.queryJobsCreated) },
    DailyBulkV2QueryFileStorageMB: { Max: 976562, Remaining: 976562 },
    DataStorageMB: { Max: 1024, Remaining: Math.max(0, 1024 - dataStorageMb) },
    FileStorageMB: { Max: 1024, Remaining: 1024 },
    SingleEmail: { Max: 5000, Remaining: 5000 },
  };
}

/**
 * Wraps an API route with what every authenticated REST call goes through: a live bearer token
 * (401 INVALID_SESSION_ID), the requests-per-second cap (a wait in line), the daily budget and the
 * concurrency limit (403 REQUEST_LIMIT_EXCEEDED), then counts the call and holds its slot for the
 * configured service time.
 */
export function guarded(
  handler: RouteHandler,
  deps: { auth: Auth; usage: ApiUsage; random: () => Random },
): RouteHandler {
  return async (req): Promise<SandboxResponse> => {
    const { auth, usage } = deps;
    const version = req.params.version;
    if (version !== undefined && !/^v\d+\.\d$/.test(version)) return restError(404, 'NOT_FOUND', messages.notFound);
    if (!auth.check(req.headers.authorization)) return restError(401, 'INVALID_SESSION_ID', messages.sessionInvalid);
    await usage.admit();
    if (usage.used >= usage.max || usage.inFlight >= usage.concurrentRequestLimit) {
      usage.refused += 1;
      const message = usage.used >= usage.max ? messages.totalRequests : messages.concurrentLongTxn;
      return restError(403, 'REQUEST_LIMIT_EXCEEDED', message);
    }
    usage.used += 1;
    usage.inFlight += 1;
    try {
      const ms = latencyMs(usage.serviceTimeMs, deps.random());
      if (ms > 0) await sleep(ms);
      return await handler(req);
    } finally {
      usage.inFlight -= 1;
    }
  };
}

/** The numeric API version of a `vNN.N` path segment. */
export function apiVersion(segment: string | undefined): number {
  return Number((segment ?? 'v62.0').slice(1));
}

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
}

/** The org's API consumption: the daily request budget and the in-flight request limit. */
export class ApiUsage {
  used: number;
  max: number;
  inFlight = 0;
  concurrentRequestLimit: number;
  serviceTimeMs: LatencyOption | undefined;

  constructor(settings: UsageSettings) {
    this.used = settings.apiUsage;
    this.max = settings.dailyApiRequests;
    this.concurrentRequestLimit = settings.concurrentRequestLimit;
    this.serviceTimeMs = settings.serviceTimeMs;
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
 * (401 INVALID_SESSION_ID), the daily budget and the concurrency limit (403 REQUEST_LIMIT_EXCEEDED),
 * then counts the call and holds its slot for the configured service time.
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
    if (usage.used >= usage.max) return restError(403, 'REQUEST_LIMIT_EXCEEDED', messages.totalRequests);
    if (usage.inFlight >= usage.concurrentRequestLimit)
      return restError(403, 'REQUEST_LIMIT_EXCEEDED', messages.concurrentLongTxn);
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

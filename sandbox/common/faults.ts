import type { Random } from './random.js';

/** Faults a sandbox injects before a request reaches its route. */
export interface FaultOptions {
  /** Share of requests (0..1) answered with a 5xx instead of being served. */
  errorRate?: number;
  /** The status of an injected error (default 503). */
  errorStatus?: number;
  /** Share of requests (0..1) that hang without an answer until the connection is dropped. */
  timeoutRate?: number;
  /** How long a hanging request is held before its socket is destroyed (default 30 s). */
  hangMs?: number;
  /** Epoch-ms window in which every request is answered 503. */
  outage?: { from: number; to: number };
}

/** Added latency per request: a fixed number of ms or a [min, max] range drawn from the seed. */
export type LatencyOption = number | [number, number];

export type FaultDecision = { kind: 'none' } | { kind: 'error'; status: number } | { kind: 'hang'; ms: number };

/** Decides the fate of one request; draws from the seeded random so a seed replays the same faults. */
export function decideFault(faults: FaultOptions, random: Random, now: number): FaultDecision {
  if (faults.outage && now >= faults.outage.from && now < faults.outage.to) return { kind: 'error', status: 503 };
  if (faults.timeoutRate && random.next() < faults.timeoutRate) return { kind: 'hang', ms: faults.hangMs ?? 30_000 };
  if (faults.errorRate && random.next() < faults.errorRate) return { kind: 'error', status: faults.errorStatus ?? 503 };
  return { kind: 'none' };
}

export function latencyMs(option: LatencyOption | undefined, random: Random): number {
  if (option === undefined) return 0;
  if (typeof option === 'number') return option;
  return random.int(option[0], option[1]);
}

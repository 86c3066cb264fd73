import type { Invocation } from '../event-source-mapping.js';
import { invocationLine } from '../invocation-line.js';

/** One consumer invocation as the console lists it: what `npm start` prints, and when. */
export interface RelayView {
  functionName: string;
  endedAt: string;
  size: number;
  processed: number | undefined;
  deadLettered: number | undefined;
  retried: number;
  outcome: Invocation['outcome'];
  line: string;
}

const DEFAULT_KEPT = 50;

/**
 * The last invocations of the hub's consumers, newest first: the console's "recent relays". Kept
 * in memory only (bounded), fed by the hub's `onInvocation`.
 */
export class RecentRelays {
  private readonly kept: RelayView[] = [];

  constructor(private readonly limit = DEFAULT_KEPT) {}

  add(invocation: Invocation): void {
    this.kept.unshift({
      functionName: invocation.functionName,
      endedAt: new Date(invocation.endedAt).toISOString(),
      size: invocation.size,
      processed: invocation.summary?.processed,
      deadLettered: invocation.summary?.deadLettered,
      retried: invocation.failed,
      outcome: invocation.outcome,
      line: invocationLine(invocation),
    });
    this.kept.length = Math.min(this.kept.length, this.limit);
  }

  list(): RelayView[] {
    return [...this.kept];
  }
}

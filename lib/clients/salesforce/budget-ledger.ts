import { RetryableError } from '../../errors.js';
import { logger, metrics, MetricUnit } from '../../observability.js';
import type { StateCondition } from '../state-expressions.js';
import { ConditionFailed, type StateItem, type StateKey, type StateStore } from '../state-store.js';
import type { ApiUsage } from './gateway.js';

/**
 * Who is calling: `interactive` flows (tickets, terms, outbound fan-outs) may spend the whole
 * budget; `sync` (the nightly usage sync) stops at its share, leaving the rest to them.
 */
export type BudgetPriority = 'interactive' | 'sync';

/** How the org's daily API allocation is shared (docs/throttling.md). */
export interface BudgetSettings {
  /** Percent of the budget `sync` calls may bring the org's usage to (`SALESFORCE_BUDGET_GUARD_PERCENT`). */
  syncSharePercent: number;
  /** Calls per rolling 24 h the org's usage may reach, below its allocation (`SALESFORCE_DAILY_BUDGET`). */
  dailyBudget?: number | undefined;
  /** The wait per delivery of a message that finds the budget spent (`SALESFORCE_BUDGET_WAIT_SECONDS`). */
  spentWaitSeconds: number;
  /** While the estimate is at the cap, one call per this interval goes out to see what has freed up. */
  probeSeconds: number;
}

/** 25 deliveries of one hour outlast Salesforce's rolling 24 hours (docs/throttling.md). */
export const DEFAULT_SPENT_WAIT_SECONDS = 3600;
export const DEFAULT_PROBE_SECONDS = 900;
/** Too many long-running requests in flight: those finish within a minute or so. */
export const CONCURRENCY_PAUSE_SECONDS = 30;
// Reservations that lose a race re-read the item and try again, this many times in all.
const ATTEMPTS = 5;

/** A reserved call: its place in the order of every reservation of the org. */
export interface Reservation {
  seq: number;
}

/** Where the org's usage stands for one priority, without spending anything. */
export interface BudgetStanding {
  /** Whether a call of that priority would go out now (a due probe counts). */
  spendable: boolean;
  /** Calls of the rolling 24 h as estimated (last observation plus calls reserved since); absent before any. */
  estimate?: number;
  max?: number;
  /** Where calls of that priority stop. */
  cap?: number;
  /** When `spendable` is false: how long to wait. */
  retryAfterSeconds?: number;
  reason?: string;
}

/** No Salesforce call of this priority may go out now; the message waits `retryAfterSeconds`. */
export class BudgetSpent extends RetryableError {}

/** The ledger item's attributes (docs/throttling.md "The item"). */
export interface LedgerItem {
  seq?: number;
  estimate?: number;
  used?: number;
  max?: number;
  observedAt?: number;
  observedSeq?: number;
  pausedUntil?: number;
  pauseReason?: string;
  probeAt?: number;
}

/**
 * The org's Salesforce API budget, shared by every container through one state-store item:
 * the last `Sforce-Limit-Info` seen (`used`, `max`, `observedAt`, `observedSeq`), a counter of
 * reservations (`seq`), the estimate (`used` plus the calls reserved after the observed one),
 * a `pausedUntil` and the last probe. A call reserves with one conditional atomic update that
 * raises the estimate only while it stays within the caller's cap; an answer re-bases the
 * estimate on what Salesforce reported, which is the truth (its rolling window can lower it).
 */
export class BudgetLedger {
  private readonly key: StateKey;
  private readonly clock: () => number;
  /** The item as this container last wrote or read it. */
  private known: LedgerItem | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly settings: BudgetSettings,
    options: { org: string; clock?: () => number },
  ) {
    this.key = budgetLedgerKey(options.org);
    this.clock = options.clock ?? Date.now;
  }

  /** How long a message waits per delivery while the budget is spent. */
  get spentWaitSeconds(): number {
    return this.settings.spentWaitSeconds;
  }

  /** Reserves one call, or throws `BudgetSpent`; a state-store failure is thrown as it is. */
  async reserve(priority: BudgetPriority): Promise<Reservation> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const cached = this.known !== undefined;
      const item = this.known ?? (await this.read());
      const now = this.clock();
      if ((item.pausedUntil ?? 0) > now) throw this.paused(item, priority, now);
      const condition: StateCondition = { atMost: { pausedUntil: now } };
      if (item.max === undefined) {
        // Nothing observed yet: this call goes out and its answer tells.
        condition.absent = ['max'];
      } else {
        const cap = this.cap(item.max, priority);
        if ((item.estimate ?? 0) >= cap) {
          if (cached) {
            this.known = undefined;
            continue;
          }
          return this.probe(item, priority, now);
        }
        condition.equals = { max: item.max };
        condition.atMost = { pausedUntil: now, estimate: cap - 1 };
      }
      try {
        return this.remember(
          await this.store.update(this.key, { add: { seq: 1, estimate: 1 }, condition, returnValues: 'ALL_NEW' }),
        );
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        this.known = undefined;
      }
    }
    throw new RetryableError(`The Salesforce budget ledger changed under ${ATTEMPTS} reservations in a row`);
  }

  /**
   * Records what an answer's `Sforce-Limit-Info` said. An answer to an earlier call than the
   * last one recorded is older news and is dropped. Never throws: the call has been made.
   */
  async observe(reservation: Reservation, usage: ApiUsage): Promise<void> {
    try {
      const item = this.remember(
        await this.store.update(this.key, {
          set: { used: usage.used, max: usage.max, observedAt: this.clock(), observedSeq: reservation.seq },
          // The calls reserved after this one are not in Salesforce's count yet: seq - observedSeq.
          setFrom: { estimate: { attribute: 'seq', plus: usage.used - reservation.seq } },
          condition: { exists: true, atMost: { observedSeq: reservation.seq } },
          returnValues: 'ALL_NEW',
        }),
      );
      const budget = this.budget(usage.max);
      if (budget > 0)
        metrics.addMetric('SalesforceBudgetUsedPercent', MetricUnit.Percent, ((item.estimate ?? 0) / budget) * 100);
    } catch (error) {
      if (error instanceof ConditionFailed) return;
      logger.warn('Salesforce API usage not recorded in the budget ledger', { error: (error as Error).message });
    }
  }

  /**
   * After `REQUEST_LIMIT_EXCEEDED`: every container stops calling. The daily flavour pauses for
   * a probe interval (then one probe looks), the concurrency flavour for 30 s. A longer pause stands.
   */
  async pause(kind: 'daily' | 'concurrency'): Promise<void> {
    const seconds = kind === 'daily' ? this.settings.probeSeconds : CONCURRENCY_PAUSE_SECONDS;
    const until = this.clock() + seconds * 1000;
    try {
      this.remember(
        await this.store.update(this.key, {
          set: { pausedUntil: until, pauseReason: kind },
          condition: { atMost: { pausedUntil: until } },
          returnValues: 'ALL_NEW',
        }),
      );
      logger.warn('Salesforce calls paused for every consumer', { kind, until: new Date(until).toISOString() });
    } catch (error) {
      if (error instanceof ConditionFailed) return;
      logger.warn('Salesforce pause not recorded in the budget ledger', { error: (error as Error).message });
    }
  }

  /** Where the budget stands for `priority` (one read), for a job deciding whether to start. */
  async standing(priority: BudgetPriority): Promise<BudgetStanding> {
    const item = await this.read();
    const now = this.clock();
    if ((item.pausedUntil ?? 0) > now) {
      const { wait, text } = this.pauseOf(item, now);
      return { spendable: false, retryAfterSeconds: wait, reason: text, ...figures(item) };
    }
    if (item.max === undefined) return { spendable: true };
    const cap = this.cap(item.max, priority);
    const spendable = (item.estimate ?? 0) < cap || this.probeDue(item, now);
    return {
      spendable,
      ...figures(item),
      cap,
      ...(spendable
        ? {}
        : { retryAfterSeconds: this.settings.spentWaitSeconds, reason: this.spentText(item, priority, cap) }),
    };
  }

  private budget(max: number): number {
    return budgetCaps(max, this.settings).interactive;
  }

  private cap(max: number, priority: BudgetPriority): number {
    return budgetCaps(max, this.settings)[priority];
  }

  private probeDue(item: LedgerItem, now: number): boolean {
    const since = now - this.settings.probeSeconds * 1000;
    return (item.probeAt ?? 0) <= since && (item.observedAt ?? 0) <= since;
  }

  /** One call per probe interval, whoever wins the conditional write, sees what the rolling window freed. */
  private async probe(item: LedgerItem, priority: BudgetPriority, now: number): Promise<Reservation> {
    const since = now - this.settings.probeSeconds * 1000;
    try {
      const reservation = this.remember(
        await this.store.update(this.key, {
          add: { seq: 1, estimate: 1 },
          set: { probeAt: now },
          // Only when nothing was observed for a whole interval: a fresh observation at the cap is believed.
          condition: { atMost: { probeAt: since, observedAt: since, pausedUntil: now } },
          returnValues: 'ALL_NEW',
        }),
      );
      logger.info('Salesforce budget probe', { priority, estimate: item.estimate, max: item.max });
      return reservation;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      const wait = this.settings.spentWaitSeconds;
      const text = this.spentText(item, priority, this.cap(item.max ?? 0, priority));
      throw this.refuse(new BudgetSpent(`${text}; waiting ${wait} s`, { retryAfterSeconds: wait }));
    }
  }

  private paused(item: LedgerItem, priority: BudgetPriority, now: number): BudgetSpent {
    const { wait, text } = this.pauseOf(item, now);
    return this.refuse(new BudgetSpent(`${text}; this ${priority} call waits ${wait} s`, { retryAfterSeconds: wait }));
  }

  private pauseOf(item: LedgerItem, now: number): { wait: number; text: string } {
    const remaining = Math.ceil(((item.pausedUntil ?? now) - now) / 1000);
    // A spent daily allocation frees slowly: such a message waits as long as for a spent budget.
    const wait = item.pauseReason === 'daily' ? Math.max(remaining, this.settings.spentWaitSeconds) : remaining;
    const until = new Date(item.pausedUntil ?? now).toISOString();
    const text = `Salesforce calls are paused until ${until} after REQUEST_LIMIT_EXCEEDED (${item.pauseReason ?? ''})`;
    return { wait, text };
  }

  private spentText(item: LedgerItem, priority: BudgetPriority, cap: number): string {
    return (
      `Salesforce API budget spent for ${priority} calls: about ${item.estimate ?? 0} of ${item.max ?? 0} calls ` +
      `used in the rolling 24 h, at or over this priority's cap of ${cap}`
    );
  }

  private refuse(error: BudgetSpent): BudgetSpent {
    metrics.addMetric('SalesforceCallsDeferred', MetricUnit.Count, 1);
    return error;
  }

  private async read(): Promise<LedgerItem> {
    return this.remember((await this.store.get(this.key)) ?? { ...this.key });
  }

  private remember(item: StateItem): LedgerItem & Reservation {
    this.known = item as LedgerItem;
    return { ...(item as LedgerItem), seq: Number(item.seq ?? 0) };
  }
}

/** The state-store key of an org's ledger; `org` is the host of its login URL (its My Domain). */
export function budgetLedgerKey(org: string): StateKey {
  return { pk: `salesforce#budget#${org}`, sk: 'ledger' };
}

/**
 * Where each priority stops, for an org allocation of `max`: the budget (the allocation, or
 * `dailyBudget` when lower) for interactive calls, the guard's share of it for the sync.
 */
export function budgetCaps(
  max: number,
  settings: Pick<BudgetSettings, 'syncSharePercent' | 'dailyBudget'>,
): Record<BudgetPriority, number> {
  const budget = Math.min(max, settings.dailyBudget ?? max);
  return { interactive: budget, sync: Math.floor((budget * settings.syncSharePercent) / 100) };
}

function figures(item: LedgerItem): Pick<BudgetStanding, 'estimate' | 'max'> {
  return {
    ...(item.estimate !== undefined ? { estimate: item.estimate } : {}),
    ...(item.max !== undefined ? { max: item.max } : {}),
  };
}

import { forEachConcurrently } from '../../concurrency.js';
import { ConditionFailed, type StateItem, type StateKey, type StateStore } from '../state-store.js';
import type { SourceVersion } from './types.js';

/**
 * Decides which versioned profile and group updates may be sent, so that a source that redelivers
 * out of order (Salesforce, for 24 h) never puts older values over newer ones.
 */
export interface VersionGate {
  /**
   * One answer per entry, in order: `false` when a newer version of the entry's record has been
   * applied or is in the same batch; `true` otherwise, and always for an entry without a version.
   */
  admit(versions: ReadonlyArray<SourceVersion | undefined>): Promise<boolean[]>;
}

/**
 * Longer than anything can wait for its turn: Salesforce redelivers for 24 h, a message stays on
 * the queue for 4 days and on its dead-letter queue for 14, from where an operator may redrive it.
 */
const DEFAULT_TTL_SECONDS = 30 * 24 * 3600;
// Conditional writes in flight at once: a batch of 2,000 updates of distinct records stays a burst, not a flood.
const WRITES_IN_FLIGHT = 16;

const stateKey = (key: string): StateKey => ({ pk: `mixpanel#version#${key}`, sk: 'applied' });
const appliedOf = (item: StateItem | undefined): number | undefined =>
  typeof item?.appliedMs === 'number' ? item.appliedMs : undefined;

/**
 * The last applied version per record key, one state item each. One BatchGetItem per 100 keys
 * reads the marks; a record whose batch holds a newer version than its mark gets a conditional
 * write raising the mark (never lowering it: two senders racing cannot both win) before the
 * updates are sent. The mark is raised before sending: if the send then fails, the retry carries
 * the same version and is admitted again, while an older one is refused meanwhile.
 */
export class StoredVersionGate implements VersionGate {
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(
    private readonly store: StateStore,
    options: { ttlSeconds?: number; now?: () => number } = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.now = options.now ?? Date.now;
  }

  async admit(versions: ReadonlyArray<SourceVersion | undefined>): Promise<boolean[]> {
    // A version that is not a date cannot be ordered: it is sent, as it would be without a gate.
    const times = versions.map((version) => (version ? Date.parse(version.modstamp) : Number.NaN));
    const newest = new Map<string, number>();
    versions.forEach((version, i) => {
      const time = times[i] ?? Number.NaN;
      if (version && !Number.isNaN(time)) newest.set(version.key, Math.max(time, newest.get(version.key) ?? time));
    });
    const keys = [...newest.keys()];
    const stored = await this.store.getMany(keys.map(stateKey));
    const known = new Map<string, number>();
    const raises: Array<{ key: string; time: number }> = [];
    keys.forEach((key, i) => {
      const [applied, batch] = [appliedOf(stored[i]), newest.get(key) ?? 0];
      if (applied !== undefined && applied >= batch) known.set(key, applied);
      else raises.push({ key, time: batch });
    });
    await forEachConcurrently(raises, WRITES_IN_FLIGHT, async ({ key, time }) => {
      known.set(key, await this.raise(key, time));
    });
    return versions.map((version, i) => {
      const time = times[i] ?? Number.NaN;
      return !version || Number.isNaN(time) || time >= (known.get(version.key) ?? time);
    });
  }

  /** Raises a record's mark to `time`; answers the mark as it now stands. */
  private async raise(key: string, time: number): Promise<number> {
    try {
      await this.store.update(stateKey(key), {
        set: {
          appliedMs: time,
          modstamp: new Date(time).toISOString(),
          expiresAt: Math.floor(this.now() / 1000) + this.ttlSeconds,
        },
        condition: { atMost: { appliedMs: time } },
      });
      return time;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // Another sender applied a newer version meanwhile. Conditions also see an expired mark, which
      // reads as absent: nothing live is newer then, so the update goes out.
      return appliedOf(await this.store.get(stateKey(key))) ?? time;
    }
  }
}

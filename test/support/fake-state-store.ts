import { isDeepStrictEqual } from 'node:util';
import type { StateCondition, StateUpdate } from '../../lib/clients/state-expressions.js';
import { ConditionFailed, type StateItem, type StateKey, type StateStore } from '../../lib/clients/state-store.js';

const keyText = (key: StateKey): string => JSON.stringify([key.pk, key.sk]);

/**
 * The state store in memory, with DynamoDB's semantics (the shared contract test in
 * test/lib/clients/state-store.test.ts runs against both), for unit tests of its callers.
 */
export class FakeStateStore implements StateStore {
  private readonly items = new Map<string, StateItem>();
  /** How many times each operation was called. */
  readonly calls: Record<string, number> = {};

  /** Every live item, for assertions. */
  all(): StateItem[] {
    return [...this.items.values()].filter((item) => this.isLive(item)).map((item) => structuredClone(item));
  }

  async get(key: StateKey): Promise<StateItem | undefined> {
    this.count('get');
    return this.read(key);
  }

  async getMany(keys: readonly StateKey[]): Promise<Array<StateItem | undefined>> {
    this.count('getMany');
    return keys.map((key) => this.read(key));
  }

  async put(item: StateItem, options: { ifAbsent?: boolean } = {}): Promise<void> {
    this.count('put');
    if (options.ifAbsent) this.check(item, { exists: false });
    this.write(item);
  }

  async putMany(items: readonly StateItem[]): Promise<void> {
    this.count('putMany');
    for (const item of items) this.write(item);
  }

  async deleteMany(keys: readonly StateKey[]): Promise<void> {
    this.count('deleteMany');
    for (const key of keys) this.items.delete(keyText(key));
  }

  update(key: StateKey, update: StateUpdate & { returnValues: 'ALL_NEW' }): Promise<StateItem>;
  update(key: StateKey, update: StateUpdate): Promise<StateItem | undefined>;
  async update(key: StateKey, update: StateUpdate): Promise<StateItem | undefined> {
    this.count('update');
    if (update.condition) this.check(key, update.condition);
    const item: StateItem = structuredClone(this.items.get(keyText(key))) ?? { pk: key.pk, sk: key.sk };
    // Every part of an update reads the item as it was before it.
    const before = structuredClone(item);
    for (const [name, value] of Object.entries(update.set ?? {})) if (value !== undefined) item[name] = value;
    for (const [name, { attribute, plus }] of Object.entries(update.setFrom ?? {})) {
      const base = before[attribute];
      // DynamoDB refuses an update expression that reads an attribute the item lacks.
      if (typeof base !== 'number') throw new Error(`The update reads ${attribute}, which the item lacks`);
      item[name] = base + plus;
    }
    for (const [name, amount] of Object.entries(update.add ?? {}))
      item[name] = (typeof item[name] === 'number' ? item[name] : 0) + amount;
    for (const [name, values] of Object.entries(update.addToSet ?? {})) {
      if (values.length === 0) continue;
      const current = item[name] instanceof Set ? (item[name] as Set<string>) : new Set<string>();
      item[name] = new Set([...current, ...values]);
    }
    for (const name of update.remove ?? []) delete item[name];
    this.write(item);
    return update.returnValues ? structuredClone(item) : undefined;
  }

  private count(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  private read(key: StateKey): StateItem | undefined {
    const item = this.items.get(keyText(key));
    return item && this.isLive(item) ? structuredClone(item) : undefined;
  }

  private write(item: StateItem): void {
    const stored = Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
    this.items.set(keyText(item), structuredClone(stored) as StateItem);
  }

  /** Conditions see the item as stored, expired or not, as DynamoDB's do. */
  private check(key: StateKey, condition: StateCondition): void {
    const item = this.items.get(keyText(key));
    const holds =
      (condition.exists === undefined || condition.exists === (item !== undefined)) &&
      Object.entries(condition.equals ?? {}).every(([name, value]) => isDeepStrictEqual(item?.[name], value)) &&
      (condition.absent ?? []).every((name) => item?.[name] === undefined) &&
      Object.entries(condition.atMost ?? {}).every(([name, value]) => {
        const stored = item?.[name];
        return stored === undefined || (typeof stored === 'number' && stored <= value);
      });
    if (!holds) throw new ConditionFailed({ pk: key.pk, sk: key.sk });
  }

  private isLive(item: StateItem): boolean {
    return !(typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= Date.now());
  }
}

/** The outcome of one item of a batch operation: `undefined` for success, or its error. */
export type ItemResult = Error | undefined;

/**
 * Gathers the items of one SQS batch, as the per-record handlers submit them, and runs one
 * batch operation over all of them once every record has either submitted or been skipped.
 * This lets Powertools' per-record `BatchProcessor` drive a consumer that makes one API call
 * per batch instead of one per record.
 */
export class BatchCollector<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private outstanding: number;

  constructor(
    expected: number,
    private readonly run: (items: T[]) => Promise<ItemResult[]>,
  ) {
    this.outstanding = expected;
  }

  /** Adds an item; resolves or rejects with that item's own outcome once the batch has run. */
  submit(item: T): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.items.push(item);
      this.waiters.push({ resolve, reject });
    });
    this.arrived();
    return done;
  }

  /** A record that will not submit (e.g. it failed validation) still counts as arrived. */
  skip(): void {
    this.arrived();
  }

  private arrived(): void {
    this.outstanding -= 1;
    if (this.outstanding === 0) void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.items.length === 0) return;
    let results: ItemResult[];
    try {
      results = await this.run(this.items);
      if (results.length !== this.items.length)
        throw new Error(`Batch operation returned ${results.length} results for ${this.items.length} items`);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      results = this.items.map(() => failure);
    }
    results.forEach((result, index) => {
      const waiter = this.waiters[index];
      if (result) waiter?.reject(result);
      else waiter?.resolve();
    });
  }
}

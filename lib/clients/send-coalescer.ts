interface Waiting<T> {
  items: readonly T[];
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Sends one destination's items one time: answers an error (or undefined) per item, in order, and
 * never throws.
 */
export type FlushItems<T> = (destination: string, items: readonly T[]) => Promise<Array<Error | undefined>>;

/**
 * Gathers the items that concurrent callers send to one destination during one turn of the event
 * loop and sends them together: fifty webhooks answered at once by one process cost five
 * SendMessageBatch calls instead of fifty SendMessage-sized ones. A caller alone waits for no one
 * (its items go at the end of the current turn). Each caller is answered for its own items only:
 * it succeeds when every one of them was sent, and fails with `pick` of the errors of those that
 * were not (by default the first), whatever happened to the items of the others it shared a call with.
 */
export class SendCoalescer<T> {
  private readonly waiting = new Map<string, Array<Waiting<T>>>();

  constructor(
    private readonly flushItems: FlushItems<T>,
    private readonly pick: (errors: readonly Error[]) => Error = (errors) => errors[0] as Error,
  ) {}

  send(destination: string, items: readonly T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let queued = this.waiting.get(destination);
      if (!queued) {
        queued = [];
        this.waiting.set(destination, queued);
        setImmediate(() => void this.flush(destination));
      }
      queued.push({ items, resolve, reject });
    });
  }

  private async flush(destination: string): Promise<void> {
    const callers = this.waiting.get(destination) ?? [];
    this.waiting.delete(destination);
    const owners = callers.flatMap((caller, index) => caller.items.map(() => index));
    let errors: Array<Error | undefined>;
    try {
      errors = await this.flushItems(
        destination,
        callers.flatMap((caller) => caller.items),
      );
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      errors = owners.map(() => failure);
    }
    const failures = new Map<number, Error[]>();
    owners.forEach((owner, i) => {
      const error = errors[i];
      if (error) failures.set(owner, [...(failures.get(owner) ?? []), error]);
    });
    callers.forEach((caller, index) => {
      const failed = failures.get(index);
      if (failed) caller.reject(this.pick(failed));
      else caller.resolve();
    });
  }
}

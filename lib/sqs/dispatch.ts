import type { ItemResult } from './batch-collector.js';
import type { ConsumedMessage } from './consumer.js';

type Handlers<T extends { type: string }> = {
  [K in T['type']]: (bodies: Array<Extract<T, { type: K }>>) => Promise<ItemResult[]>;
};

/**
 * One consumer, several intents: runs each intent type's batch handler on its own messages and
 * puts every result back at its message's position. A handler that throws fails only its own.
 */
export function dispatchByType<T extends { type: string }>(handlers: Handlers<T>) {
  return async (messages: ReadonlyArray<ConsumedMessage<T>>): Promise<ItemResult[]> => {
    const results: ItemResult[] = new Array<ItemResult>(messages.length).fill(undefined);
    const byType = new Map<T['type'], Array<{ position: number; body: T }>>();
    messages.forEach(({ body }, position) =>
      byType.set(body.type, [...(byType.get(body.type) ?? []), { position, body }]),
    );
    for (const [type, entries] of byType) {
      const handle = handlers[type] as (bodies: T[]) => Promise<ItemResult[]>;
      const positions = entries.map((entry) => entry.position);
      let outcomes: ItemResult[];
      try {
        outcomes = await handle(entries.map((entry) => entry.body));
      } catch (error) {
        outcomes = positions.map(() => (error instanceof Error ? error : new Error(String(error))));
      }
      positions.forEach((position, i) => (results[position] = outcomes[i]));
    }
    return results;
  };
}

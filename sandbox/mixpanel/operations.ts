import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

export type Properties = Record<string, unknown>;

/** The value each profile operation takes (docs.mixpanel.com reference/profile-set and siblings). */
const operationValues = {
  $set: z.record(z.string(), z.unknown()),
  $set_once: z.record(z.string(), z.unknown()),
  $add: z.record(z.string(), z.number()),
  $union: z.record(z.string(), z.array(z.unknown())),
  $append: z.record(z.string(), z.unknown()),
  $remove: z.record(z.string(), z.unknown()),
  $unset: z.array(z.string()),
  $delete: z.unknown(),
} as const;

export type OperationName = keyof typeof operationValues;

export const USER_OPERATIONS: readonly OperationName[] = [
  '$set',
  '$set_once',
  '$add',
  '$union',
  '$append',
  '$remove',
  '$unset',
  '$delete',
];
/** Group profiles have no `$append` (docs.mixpanel.com reference/group-batch-update). */
export const GROUP_OPERATIONS: readonly OperationName[] = [
  '$set',
  '$set_once',
  '$add',
  '$union',
  '$remove',
  '$unset',
  '$delete',
];

export type Operation = { ok: true; name: OperationName; value: unknown } | { ok: false; error: string };

/** Finds the update's single operation among `allowed` and checks its value's shape. */
export function readOperation(update: Properties, allowed: readonly OperationName[]): Operation {
  const present = Object.keys(update).filter((key): key is OperationName => key in operationValues);
  if (present.length !== 1) {
    return { ok: false, error: `exactly one operation is required, found ${present.length}: ${present.join(', ')}` };
  }
  const name = present[0] as OperationName;
  if (!allowed.includes(name)) return { ok: false, error: `${name} is not supported here` };
  const parsed = operationValues[name].safeParse(update[name]);
  if (!parsed.success)
    return { ok: false, error: `invalid ${name} value: ${parsed.error.issues[0]?.message ?? 'bad shape'}` };
  return { ok: true, name, value: parsed.data };
}

/**
 * Applies one operation to a profile's properties (undefined: no profile yet). Returns the new
 * properties, or undefined when the profile is (or stays) absent.
 */
export function applyOperation(
  current: Properties | undefined,
  name: OperationName,
  value: unknown,
): Properties | undefined {
  switch (name) {
    case '$set':
      return { ...current, ...(value as Properties) };
    case '$set_once':
      return { ...(value as Properties), ...current };
    case '$add':
      return addNumbers(current ?? {}, value as Record<string, number>);
    case '$union':
      return mapLists(current ?? {}, value as Record<string, unknown[]>, (list, items) =>
        items.reduce<unknown[]>((merged, item) => (contains(merged, item) ? merged : [...merged, item]), list),
      );
    case '$append':
      return mapLists(current ?? {}, wrapEach(value as Properties), (list, [item]) => [...list, item]);
    case '$remove':
      if (!current) return undefined;
      return mapLists(current, wrapEach(value as Properties), (list, [item]) => without(list, item), false);
    case '$unset':
      if (!current) return undefined;
      return Object.fromEntries(Object.entries(current).filter(([key]) => !(value as string[]).includes(key)));
    case '$delete':
      return undefined;
  }
}

/** Missing properties count as 0; a non-numeric held value is left alone. */
function addNumbers(current: Properties, increments: Record<string, number>): Properties {
  const next = { ...current };
  for (const [key, by] of Object.entries(increments)) {
    const held = next[key] ?? 0;
    if (typeof held === 'number') next[key] = held + by;
  }
  return next;
}

const contains = (list: unknown[], item: unknown): boolean => list.some((held) => isDeepStrictEqual(held, item));
const without = (list: unknown[], item: unknown): unknown[] => list.filter((held) => !isDeepStrictEqual(held, item));

function wrapEach(value: Properties): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, [item]]));
}

/**
 * Runs `change` on each named list property. A missing one starts empty when `create` is set,
 * else is skipped; a held non-list value is left alone.
 */
function mapLists(
  current: Properties,
  changes: Record<string, unknown[]>,
  change: (list: unknown[], items: unknown[]) => unknown[],
  create = true,
): Properties {
  const next = { ...current };
  for (const [key, items] of Object.entries(changes)) {
    const held = next[key];
    if (held === undefined && !create) continue;
    if (held !== undefined && !Array.isArray(held)) continue;
    next[key] = change(held ?? [], items);
  }
  return next;
}

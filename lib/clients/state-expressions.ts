/**
 * DynamoDB expressions built from plain objects, so that callers of the state store never write
 * expression text: every attribute name and value travels as a placeholder (`#n0`, `:v0`), which
 * also keeps reserved words (`name`, `count`, `status`...) and any value type safe.
 */

/** What must hold of the stored item for a write to happen; every given part must hold. */
export interface StateCondition {
  /** `true`: the item must already exist; `false`: it must not (a create). */
  exists?: boolean;
  /** Top-level attributes that must hold exactly these values. */
  equals?: Record<string, unknown>;
  /** Top-level attributes that must not be set. */
  absent?: readonly string[];
  /**
   * Top-level numbers that must be absent or at most these values: a write that only ever raises a
   * high-water mark (a version, a timestamp), so that concurrent writers cannot lower it.
   */
  atMost?: Record<string, number>;
}

/** Changes to one item's top-level attributes; an item that does not exist is created. */
export interface StateUpdate {
  /** Attributes to set to these values (`undefined` values are left out). */
  set?: Record<string, unknown>;
  /**
   * Numbers set to another number attribute of the item plus an amount, in the same atomic write
   * (e.g. an estimate re-based on a counter that concurrent writers raise); the other attribute must exist.
   */
  setFrom?: Record<string, { attribute: string; plus: number }>;
  /** Numbers to add (a negative one subtracts); an absent attribute counts as 0. */
  add?: Record<string, number>;
  /** Strings to add to string-set attributes; an absent attribute starts empty. */
  addToSet?: Record<string, readonly string[]>;
  /** Attributes to delete. */
  remove?: readonly string[];
  condition?: StateCondition;
  /** Answer with the whole item as it is after the update. */
  returnValues?: 'ALL_NEW';
}

/** The expression parameters of a DynamoDB command; empty maps are left out, as DynamoDB requires. */
export interface ExpressionParts {
  UpdateExpression?: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** The UpdateItem expressions of an update. */
export function updateExpressions(update: StateUpdate, partitionKey: string): ExpressionParts {
  const placeholders = new Placeholders();
  const set = Object.entries(update.set ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${placeholders.name(name)} = ${placeholders.value(value)}`);
  for (const [name, { attribute, plus }] of Object.entries(update.setFrom ?? {}))
    set.push(`${placeholders.name(name)} = ${placeholders.name(attribute)} + ${placeholders.value(plus)}`);
  const add = [
    ...Object.entries(update.add ?? {}).map(([name, amount]) => [name, amount] as const),
    // An empty set is not a DynamoDB value, and adding nothing changes nothing.
    ...Object.entries(update.addToSet ?? {})
      .filter(([, values]) => values.length > 0)
      .map(([name, values]) => [name, new Set(values)] as const),
  ].map(([name, value]) => `${placeholders.name(name)} ${placeholders.value(value)}`);
  const remove = (update.remove ?? []).map((name) => placeholders.name(name));
  const clauses = [
    set.length > 0 ? `SET ${set.join(', ')}` : '',
    add.length > 0 ? `ADD ${add.join(', ')}` : '',
    remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
  ].filter(Boolean);
  const condition = update.condition ? conditionExpression(update.condition, partitionKey, placeholders) : '';
  return {
    ...(clauses.length > 0 ? { UpdateExpression: clauses.join(' ') } : {}),
    ...(condition ? { ConditionExpression: condition } : {}),
    ...placeholders.parts(),
  };
}

/** The ConditionExpression of a put or a delete. */
export function conditionExpressions(condition: StateCondition, partitionKey: string): ExpressionParts {
  const placeholders = new Placeholders();
  const expression = conditionExpression(condition, partitionKey, placeholders);
  return expression ? { ConditionExpression: expression, ...placeholders.parts() } : {};
}

function conditionExpression(condition: StateCondition, partitionKey: string, placeholders: Placeholders): string {
  const terms: string[] = [];
  // The key attribute is set on every stored item, so its presence is the item's.
  if (condition.exists !== undefined)
    terms.push(`${condition.exists ? 'attribute_exists' : 'attribute_not_exists'}(${placeholders.name(partitionKey)})`);
  for (const [name, value] of Object.entries(condition.equals ?? {}))
    terms.push(`${placeholders.name(name)} = ${placeholders.value(value)}`);
  for (const name of condition.absent ?? []) terms.push(`attribute_not_exists(${placeholders.name(name)})`);
  for (const [name, value] of Object.entries(condition.atMost ?? {})) {
    const attribute = placeholders.name(name);
    terms.push(`(attribute_not_exists(${attribute}) OR ${attribute} <= ${placeholders.value(value)})`);
  }
  return terms.join(' AND ');
}

class Placeholders {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};
  private valueCount = 0;

  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#n${this.names.size}`;
      this.names.set(attribute, placeholder);
    }
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  parts(): Pick<ExpressionParts, 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
    return {
      ...(this.names.size > 0
        ? { ExpressionAttributeNames: Object.fromEntries([...this.names].map(([name, holder]) => [holder, name])) }
        : {}),
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

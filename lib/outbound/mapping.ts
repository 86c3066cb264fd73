import * as z from '../zod-mini.js';
import { ConfigError } from '../config.js';

const FieldName = z
  .string()
  .check(
    z.regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a field API name of the record, e.g. StageName or App_User_Id__c'),
  );

// The hub sets these on every event; a mapping that set them too would hide where the event came from.
const RESERVED = new Set([
  'time',
  'distinct_id',
  '$insert_id',
  'source',
  'salesforce_object',
  'salesforce_record_id',
  'outbound_rule',
]);
/** A property value: a field of the record (text, or converted) or a constant. */
const ValueSource = z
  .strictObject({
    field: z.optional(FieldName),
    type: z._default(z.enum(['string', 'number', 'boolean']), 'string'),
    value: z.optional(z.union([z.string(), z.number(), z.boolean(), z.null()])),
  })
  .check(
    z.refine((source) => (source.field === undefined) !== (source.value === undefined), {
      message: 'needs exactly one of "field" (a field of the record) or "value" (a constant)',
    }),
  );
export type ValueSource = z.output<typeof ValueSource>;

const Properties = z.record(z.string().check(z.minLength(1), z.maxLength(255)), ValueSource).check(
  z.superRefine((properties, ctx) => {
    for (const name of Object.keys(properties).filter((key) => RESERVED.has(key)))
      ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the hub on every event; choose another name' });
    if (Object.keys(properties).length >= 250)
      ctx.addIssue({ code: 'custom', message: 'Mixpanel takes fewer than 255 properties per event, the hub adds 7' });
  }),
);

/** A condition on one field: all of a rule's conditions must hold for it to apply. */
const Condition = z
  .strictObject({
    equals: z.optional(z.string()),
    in: z.optional(z.array(z.string()).check(z.minLength(1))),
    notEmpty: z.optional(z.literal(true)),
  })
  .check(
    z.refine((condition) => Object.keys(condition).length === 1, {
      message: 'needs exactly one of "equals", "in" or "notEmpty"',
    }),
  );
export type Condition = z.output<typeof Condition>;

const Rule = z
  .strictObject({
    /** Part of every `$insert_id` the rule makes: renaming a rule makes its replays new events. */
    id: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, "-" or "_"')),
    sObject: z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an sObject API name, e.g. Opportunity')),
    when: z._default(z.record(FieldName, Condition), {}),
    /** The field holding the app user id (the Mixpanel distinct id). */
    distinctIdField: z.optional(FieldName),
    /** Or: every user of the record's account (resolved by the salesforce queue's consumer). */
    fanOut: z.optional(z.literal('account')),
    accountIdField: z._default(FieldName, 'AccountId'),
    /** The record's version, for event times and ordering (default SystemModstamp, else LastModifiedDate). */
    versionField: z.optional(FieldName),
    event: z.optional(
      z.strictObject({
        name: z.string().check(z.minLength(1), z.maxLength(255)),
        properties: z._default(Properties, {}),
      }),
    ),
    profileSet: z.optional(Properties),
    group: z.optional(z.strictObject({ key: z.string().check(z.minLength(1)), idField: FieldName, set: Properties })),
  })
  .check(
    z.superRefine((rule, ctx) => {
      if (!rule.event && !rule.profileSet && !rule.group)
        ctx.addIssue({ code: 'custom', path: ['event'], message: 'a rule needs an event, a profileSet or a group' });
      const needsUser = rule.event !== undefined || rule.profileSet !== undefined;
      const targets = Number(rule.distinctIdField !== undefined) + Number(rule.fanOut !== undefined);
      if (needsUser && targets !== 1)
        ctx.addIssue({
          code: 'custom',
          path: ['distinctIdField'],
          message: 'an event or profileSet needs exactly one of "distinctIdField" or "fanOut": "account"',
        });
    }),
  );
export type OutboundRule = z.output<typeof Rule>;

const Mapping = z.strictObject({ rules: z.array(Rule) }).check(
  z.superRefine((mapping, ctx) => {
    const seen = new Set<string>();
    mapping.rules.forEach((rule, index) => {
      if (seen.has(rule.id))
        ctx.addIssue({ code: 'custom', path: ['rules', index, 'id'], message: 'is used by another rule' });
      seen.add(rule.id);
    });
  }),
);
export type OutboundMapping = z.output<typeof Mapping>;

/** `rule "deal-won" (rules[0]) event.properties.amount.field` from a zod path. */
function describe(path: ReadonlyArray<PropertyKey>, raw: unknown): string {
  const [top, index, ...rest] = path;
  if (top !== 'rules' || typeof index !== 'number') return path.map(String).join('.') || '(mapping)';
  const rules = (raw as { rules?: unknown[] }).rules;
  const id = (rules?.[index] as { id?: unknown } | undefined)?.id;
  const name = typeof id === 'string' ? `rule "${id}" (rules[${index}])` : `rules[${index}]`;
  return rest.length > 0 ? `${name} ${rest.map(String).join('.')}` : name;
}

/**
 * Validates an outbound mapping at cold start; a mistake stops the function with every problem,
 * each naming its rule and field.
 */
export function parseOutboundMapping(raw: unknown, origin = 'outbound mapping'): OutboundMapping {
  const result = Mapping.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${describe(issue.path, raw)}: ${issue.message}`);
  throw new ConfigError(`Invalid ${origin}: ${problems.join('; ')}`);
}

/** Parses mapping JSON text (the `OUTBOUND_MAPPING` setting) with the same checks. */
export function parseOutboundMappingJson(text: string, origin: string): OutboundMapping {
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`Invalid ${origin}: not JSON: ${(error as Error).message}`);
  }
  return parseOutboundMapping(raw, origin);
}

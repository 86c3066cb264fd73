/** Field types as the emulator understands them (the REST describe names). */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'url'
  | 'phone'
  | 'picklist'
  | 'double'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'reference';

import type { RecordError } from './errors.js';

/** One field of an sObject. */
export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** Maximum length of text values. */
  length?: number;
  externalId: boolean;
  unique: boolean;
  /** Unique/external-id matching honours case only when set (Salesforce default: case-insensitive). */
  caseSensitive: boolean;
  /** Must have a value on create (e.g. Account.Name). */
  required: boolean;
  /** Set by the system, never by the API (Id, CreatedDate, CaseNumber...). */
  readOnly: boolean;
  referenceTo?: string;
  /** Name of the parent relationship, e.g. `Account` for AccountId, `Contact__r` for Contact__c. */
  relationshipName?: string;
  defaultValue?: string | boolean;
  /** Auto-number display format such as `TA-{000000}`. */
  autoNumber?: string;
  /** A formula field's formula; the emulator evaluates `Relationship.Field` paths when the record is saved. */
  formula?: string;
}

/** A save as a rule sees it: the values the record would be saved with and, on update, the stored ones. */
export interface SaveCheckInput {
  isNew: boolean;
  values: Readonly<Record<string, string | number | boolean | null>>;
  prior: Readonly<Record<string, string | number | boolean | null>> | undefined;
}

/** A check every save of the object passes after the system validation (a validation rule of the metadata). */
export interface SaveRule {
  name: string;
  /** The error to report when the save breaks the rule. */
  check(save: SaveCheckInput): RecordError | undefined;
}

/** One sObject type: its fields and relationships, looked up case-insensitively like Salesforce. */
export class ObjectDef {
  private readonly byName = new Map<string, FieldDef>();
  private readonly byRelationship = new Map<string, FieldDef>();
  /** Active validation rules, in name order. */
  readonly rules: SaveRule[] = [];

  constructor(
    readonly name: string,
    readonly label: string,
    readonly keyPrefix: string,
    fields: FieldDef[],
  ) {
    for (const field of fields) this.add(field);
  }

  add(field: FieldDef): void {
    this.byName.set(field.name.toLowerCase(), field);
    if (field.relationshipName) this.byRelationship.set(field.relationshipName.toLowerCase(), field);
  }

  field(name: string): FieldDef | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** The reference field behind a relationship name (`Account` → AccountId). */
  relationship(name: string): FieldDef | undefined {
    return this.byRelationship.get(name.toLowerCase());
  }

  fields(): FieldDef[] {
    return [...this.byName.values()];
  }
}

/** Every sObject the emulated org knows. */
export class Schema {
  private readonly objects = new Map<string, ObjectDef>();

  add(object: ObjectDef): void {
    this.objects.set(object.name.toLowerCase(), object);
  }

  object(name: string): ObjectDef | undefined {
    return this.objects.get(name.toLowerCase());
  }

  list(): ObjectDef[] {
    return [...this.objects.values()];
  }
}

/** Shorthand for building field definitions with Salesforce's defaults. */
export function field(name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef {
  return {
    name,
    label: extra.label ?? name,
    type,
    externalId: false,
    unique: false,
    caseSensitive: false,
    required: false,
    readOnly: false,
    ...extra,
  };
}

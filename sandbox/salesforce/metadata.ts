import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { field, ObjectDef, Schema, type FieldDef } from './schema.js';
import { STANDARD_OBJECTS, systemFields } from './standard-fields.js';
import { loadValidationRules } from './validation-rules.js';

/** The SFDX source folder of this repository (`salesforce/force-app/main/default/objects`). */
export const DEFAULT_METADATA_DIR = fileURLToPath(
  new URL('../../salesforce/force-app/main/default/objects', import.meta.url),
);

const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true');

const CustomField = z.object({
  fullName: z.string(),
  label: z.string(),
  type: z.string(),
  length: z.coerce.number().int().positive().optional(),
  externalId: flag,
  unique: flag,
  caseSensitive: flag,
  required: flag,
  referenceTo: z.string().optional(),
  defaultValue: z.string().optional(),
  formula: z.string().optional(),
});

const CustomObject = z.object({
  label: z.string(),
  nameField: z.object({
    label: z.string(),
    type: z.enum(['Text', 'AutoNumber']),
    displayFormat: z.string().optional(),
  }),
});

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** Metadata field type → describe type and implied length (Url, Email, Phone have fixed lengths). */
const TYPES: Record<string, { type: FieldDef['type']; length?: number }> = {
  Text: { type: 'string' },
  TextArea: { type: 'textarea', length: 255 },
  LongTextArea: { type: 'textarea' },
  Html: { type: 'textarea' },
  Url: { type: 'url', length: 255 },
  Email: { type: 'email', length: 80 },
  Phone: { type: 'phone', length: 40 },
  Picklist: { type: 'picklist', length: 255 },
  Number: { type: 'double' },
  Currency: { type: 'double' },
  Percent: { type: 'double' },
  Checkbox: { type: 'boolean' },
  Date: { type: 'date' },
  DateTime: { type: 'datetime' },
  Lookup: { type: 'reference' },
  MasterDetail: { type: 'reference' },
};

function parseXml(xml: string, root: string, file: string): unknown {
  const parsed = parser.parse(xml) as Record<string, unknown>;
  if (!(root in parsed)) throw new Error(`${file}: expected a <${root}> document`);
  return parsed[root];
}

/** Turns one `.field-meta.xml` document into a field definition. */
export function parseFieldXml(xml: string, file = 'field'): FieldDef {
  const meta = CustomField.parse(parseXml(xml, 'CustomField', file));
  const mapped = TYPES[meta.type];
  if (!mapped) throw new Error(`${file}: field type ${meta.type} is not emulated`);
  const isReference = mapped.type === 'reference';
  if (isReference && !meta.referenceTo) throw new Error(`${file}: a ${meta.type} field needs <referenceTo>`);
  return field(meta.fullName, mapped.type, {
    label: meta.label,
    length: meta.length ?? mapped.length,
    externalId: meta.externalId,
    unique: meta.unique,
    caseSensitive: meta.caseSensitive,
    required: meta.required || meta.type === 'MasterDetail',
    ...(isReference ? { referenceTo: meta.referenceTo, relationshipName: meta.fullName.replace(/__c$/, '__r') } : {}),
    ...(meta.type === 'Checkbox' ? { defaultValue: meta.defaultValue === 'true' } : {}),
    // A formula field is computed, never written; a text formula returns up to 1,300 characters.
    ...(meta.formula ? { formula: meta.formula, readOnly: true, length: meta.length ?? 1300 } : {}),
  });
}

/** The Name field a custom object declares in its `.object-meta.xml`. */
export function parseObjectXml(xml: string, file = 'object'): { label: string; nameField: FieldDef } {
  const meta = CustomObject.parse(parseXml(xml, 'CustomObject', file));
  const autoNumber = meta.nameField.type === 'AutoNumber';
  const nameField = field('Name', 'string', {
    label: meta.nameField.label,
    length: 80,
    readOnly: autoNumber,
    required: !autoNumber,
    ...(autoNumber ? { autoNumber: meta.nameField.displayFormat ?? '{0}' } : {}),
  });
  return { label: meta.label, nameField };
}

// Custom objects get prefixes a01, a02, ... in name order so ids stay stable across runs.
const CUSTOM_PREFIX_CHARS = '123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Builds the org schema: the built-in standard objects plus every object folder of an SFDX
 * source tree (`objects/{Object}/fields/*.field-meta.xml`, `objects/{Object}/{Object}.object-meta.xml`,
 * `objects/{Object}/validationRules/*.validationRule-meta.xml`).
 */
export async function loadSchema(metadataDir: string = DEFAULT_METADATA_DIR): Promise<Schema> {
  const schema = new Schema();
  for (const standard of STANDARD_OBJECTS) {
    schema.add(
      new ObjectDef(standard.name, standard.label, standard.keyPrefix, [...systemFields(), ...standard.fields]),
    );
  }
  const folders = (await readdir(metadataDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  let customIndex = 0;
  for (const name of folders) {
    const dir = join(metadataDir, name);
    let object = schema.object(name);
    if (!object) {
      const objectFile = join(dir, `${name}.object-meta.xml`);
      if (!existsSync(objectFile)) throw new Error(`${objectFile}: a custom object needs its object-meta.xml`);
      const parsed = parseObjectXml(await readFile(objectFile, 'utf8'), objectFile);
      const prefix = `a0${CUSTOM_PREFIX_CHARS[customIndex] ?? 'Z'}`;
      customIndex += 1;
      object = new ObjectDef(name, parsed.label, prefix, [...systemFields(), parsed.nameField]);
      schema.add(object);
    }
    const fieldsDir = join(dir, 'fields');
    if (existsSync(fieldsDir)) {
      for (const file of (await readdir(fieldsDir)).filter((f) => f.endsWith('.field-meta.xml')).sort()) {
        const path = join(fieldsDir, file);
        object.add(parseFieldXml(await readFile(path, 'utf8'), path));
      }
    }
    // Rules read the object's fields, so they are compiled once every field is known.
    await loadValidationRules(dir, object);
  }
  return schema;
}

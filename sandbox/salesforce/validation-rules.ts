import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { recordErrors } from './errors.js';
import { evaluate } from './formula/evaluate.js';
import { FormulaError, parseFormula } from './formula/parse.js';
import type { ObjectDef, SaveRule } from './schema.js';

// ValidationRule metadata (developer.salesforce.com api_meta meta_validationformulas): the rule
// blocks a save when errorConditionFormula is TRUE, reporting errorMessage (≤ 255 characters).
const ValidationRuleXml = z.object({
  fullName: z.string().optional(),
  active: z.enum(['true', 'false']).transform((value) => value === 'true'),
  description: z.string().optional(),
  errorConditionFormula: z.string().min(1),
  errorDisplayField: z.string().optional(),
  errorMessage: z.string().min(1).max(255),
});

// Entities are decoded, so `&lt;` in a formula reads as `<`.
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

const SUFFIX = '.validationRule-meta.xml';

/**
 * Compiles one `.validationRule-meta.xml` of `object` into a save rule; an inactive rule yields
 * none, but its formula must still be one the emulator runs. Throws naming the file otherwise.
 */
export function parseValidationRuleXml(xml: string, object: ObjectDef, file = 'validation rule'): SaveRule | undefined {
  const parsed = parser.parse(xml) as Record<string, unknown>;
  if (!('ValidationRule' in parsed)) throw new Error(`${file}: expected a <ValidationRule> document`);
  const meta = ValidationRuleXml.parse(parsed.ValidationRule);
  const name = meta.fullName ?? basename(file, SUFFIX);
  let formula;
  try {
    formula = parseFormula(meta.errorConditionFormula, object);
  } catch (error) {
    if (error instanceof FormulaError) throw new Error(`${file}: validation rule ${name}: ${error.message}`);
    throw error;
  }
  const display = meta.errorDisplayField === undefined ? undefined : object.field(meta.errorDisplayField);
  if (meta.errorDisplayField !== undefined && !display)
    throw new Error(`${file}: errorDisplayField ${meta.errorDisplayField} is not a field of ${object.name}`);
  if (!meta.active) return undefined;
  const error = recordErrors.customValidation(meta.errorMessage, display ? [display.name] : []);
  return {
    name,
    check: (save) => (evaluate(formula, save) === true ? { ...error, fields: [...error.fields] } : undefined),
  };
}

/** Adds the active rules of `objects/{Object}/validationRules/*.validationRule-meta.xml` to the object. */
export async function loadValidationRules(objectDir: string, object: ObjectDef): Promise<void> {
  const dir = join(objectDir, 'validationRules');
  if (!existsSync(dir)) return;
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(SUFFIX)).sort()) {
    const path = join(dir, file);
    const rule = parseValidationRuleXml(await readFile(path, 'utf8'), object, path);
    if (rule) object.rules.push(rule);
  }
}

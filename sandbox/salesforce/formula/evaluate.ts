import type { Formula } from './parse.js';

type Scalar = string | number | boolean | null;

/** The record a rule looks at: the values it would be saved with and, on update, the stored ones. */
export interface FormulaRecord {
  isNew: boolean;
  values: Readonly<Record<string, Scalar>>;
  /** The stored values (on create, PRIORVALUE returns the new value, as Salesforce documents). */
  prior: Readonly<Record<string, Scalar>> | undefined;
}

const blank = (value: Scalar | undefined): boolean => value === null || value === undefined || value === '';

/** Dates and date-times are stored as `2024-05-01` and `2024-05-01T12:00:00.000+0000`; compare them as instants. */
function comparable(value: Scalar, type: Formula['type']): Scalar {
  if (typeof value !== 'string' || (type !== 'date' && type !== 'datetime')) return value;
  return Date.parse(type === 'date' ? `${value}T00:00:00Z` : value.replace(/\+0000$/, 'Z'));
}

/**
 * Evaluates a parsed formula. A blank operand makes a comparison blank, and AND/OR/NOT carry
 * blanks through, so a rule whose fields are empty does not fire (a validation rule blocks a
 * save only when its formula is TRUE). Blank text equals "" as in Salesforce formulas.
 */
export function evaluate(formula: Formula, record: FormulaRecord): Scalar {
  switch (formula.kind) {
    case 'literal':
      return formula.value;
    case 'field': {
      const source = formula.prior ? (record.prior ?? record.values) : record.values;
      return source[formula.field.name] ?? null;
    }
    case 'isNew':
      return record.isNew;
    case 'isBlank':
      return blank(evaluate(formula.arg, record));
    case 'logical': {
      const values = formula.args.map((arg) => evaluate(arg, record));
      if (formula.fn === 'NOT') return values[0] === null || values[0] === undefined ? null : !values[0];
      const decisive = formula.fn === 'AND' ? false : true;
      if (values.includes(decisive)) return decisive;
      return values.some((value) => value === null) ? null : !decisive;
    }
    case 'compare': {
      const type = formula.left.type === 'null' ? formula.right.type : formula.left.type;
      let left = evaluate(formula.left, record);
      let right = evaluate(formula.right, record);
      if (type === 'text') {
        left ??= '';
        right ??= '';
      }
      if (blank(left) && type !== 'text') return null;
      if (blank(right) && type !== 'text') return null;
      const a = comparable(left, type);
      const b = comparable(right, type);
      if (a === null || b === null) return null;
      switch (formula.op) {
        case '=':
          return a === b;
        case '<>':
          return a !== b;
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        case '>=':
          return a >= b;
      }
    }
  }
}

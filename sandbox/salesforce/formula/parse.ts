import type { FieldDef, ObjectDef } from '../schema.js';

/**
 * The subset of Salesforce's formula language the emulator runs in validation rules: AND, OR,
 * NOT, ISNEW, ISBLANK, PRIORVALUE, field references of the rule's own object, the comparison
 * operators and literals. Anything else is refused when the metadata is loaded, so a rule the
 * emulator cannot enforce never passes silently.
 * (help.salesforce.com: "Formula Operators and Functions by Context", "PRIORVALUE", "ISNEW")
 */

/** The types a formula value can have; `null` is the type of the NULL literal. */
export type FormulaType = 'boolean' | 'number' | 'text' | 'date' | 'datetime' | 'null';

export type Comparison = '<' | '<=' | '>' | '>=' | '=' | '<>';
export type Logical = 'AND' | 'OR' | 'NOT';

export type Formula =
  | { kind: 'literal'; value: string | number | boolean | null; type: FormulaType }
  | { kind: 'field'; field: FieldDef; type: FormulaType; prior: boolean }
  | { kind: 'logical'; fn: Logical; args: Formula[]; type: 'boolean' }
  | { kind: 'isNew'; type: 'boolean' }
  | { kind: 'isBlank'; arg: Formula; type: 'boolean' }
  | { kind: 'compare'; op: Comparison; left: Formula; right: Formula; type: 'boolean' };

/** A formula the emulator cannot run, with the offset it stopped at. */
export class FormulaError extends Error {}

interface Token {
  kind: 'word' | 'number' | 'string' | 'op' | '(' | ')' | ',' | 'end';
  text: string;
  pos: number;
}

const FIELD_TYPES: Record<FieldDef['type'], FormulaType | undefined> = {
  id: 'text',
  string: 'text',
  textarea: 'text',
  email: 'text',
  url: 'text',
  phone: 'text',
  reference: 'text',
  double: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  // Salesforce only takes picklists in ISPICKVAL, TEXT and a few more, none of which is emulated.
  picklist: undefined,
};
const ORDERED = new Set<FormulaType>(['number', 'date', 'datetime']);
const OPERATORS: Record<string, Comparison> = {
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '=': '=',
  '==': '=',
  '<>': '<>',
  '!=': '<>',
};

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = new RegExp(
    [
      String.raw`\s+`,
      String.raw`(?<word>[A-Za-z_][A-Za-z0-9_]*)`,
      String.raw`(?<number>\d+(?:\.\d+)?)`,
      String.raw`(?<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')`,
      String.raw`(?<op><=|>=|<>|!=|==|[<>=])`,
      String.raw`(?<punct>[(),])`,
    ].join('|'),
    'y',
  );
  let pos = 0;
  while (pos < source.length) {
    pattern.lastIndex = pos;
    const match = pattern.exec(source);
    if (!match)
      throw new FormulaError(`unsupported syntax at offset ${pos}: ${JSON.stringify(source.slice(pos, pos + 12))}`);
    const { word, number, string, op, punct } = match.groups ?? {};
    const text = match[0];
    if (word !== undefined) tokens.push({ kind: 'word', text, pos });
    else if (number !== undefined) tokens.push({ kind: 'number', text, pos });
    else if (string !== undefined) tokens.push({ kind: 'string', text, pos });
    else if (op !== undefined) tokens.push({ kind: 'op', text, pos });
    else if (punct !== undefined) tokens.push({ kind: punct as '(' | ')' | ',', text, pos });
    pos += text.length;
  }
  tokens.push({ kind: 'end', text: '', pos });
  return tokens;
}

const unquote = (text: string): string => text.slice(1, -1).replace(/\\(.)/g, (_, char: string) => char);

/** Parses and type-checks a rule's `errorConditionFormula` against its object; throws FormulaError. */
export function parseFormula(source: string, object: ObjectDef): Formula {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (): Token => tokens[at] ?? { kind: 'end', text: '', pos: source.length };
  const next = (): Token => {
    const token = peek();
    at += 1;
    return token;
  };
  const expect = (kind: Token['kind']): Token => {
    const token = next();
    if (token.kind !== kind)
      throw new FormulaError(`expected ${kind} at offset ${token.pos}, found ${describe(token)}`);
    return token;
  };

  const fieldOf = (token: Token): FieldDef => {
    const def = object.field(token.text);
    if (!def) throw new FormulaError(`unknown field ${token.text} on ${object.name} at offset ${token.pos}`);
    if (!FIELD_TYPES[def.type])
      throw new FormulaError(`${def.name} is a ${def.type} field, which formulas here cannot reference directly`);
    return def;
  };

  const call = (name: Token): Formula => {
    expect('(');
    const args: Formula[] = [];
    if (peek().kind !== ')') {
      args.push(expression());
      while (peek().kind === ',') {
        next();
        args.push(expression());
      }
    }
    expect(')');
    const fn = name.text.toUpperCase();
    const arity = (min: number, max: number) => {
      if (args.length < min || args.length > max)
        throw new FormulaError(`${fn}() takes ${min === max ? min : `${min} or more`} argument(s), got ${args.length}`);
    };
    switch (fn) {
      case 'AND':
      case 'OR':
      case 'NOT':
        arity(1, fn === 'NOT' ? 1 : Infinity);
        for (const arg of args)
          if (arg.type !== 'boolean') throw new FormulaError(`${fn}() expects Boolean arguments, received ${arg.type}`);
        return { kind: 'logical', fn, args, type: 'boolean' };
      case 'ISNEW':
        arity(0, 0);
        return { kind: 'isNew', type: 'boolean' };
      case 'ISBLANK':
        arity(1, 1);
        return { kind: 'isBlank', arg: args[0] as Formula, type: 'boolean' };
      case 'PRIORVALUE': {
        arity(1, 1);
        const arg = args[0];
        if (arg?.kind !== 'field' || arg.prior) throw new FormulaError('PRIORVALUE() takes a field of the object');
        return { ...arg, prior: true };
      }
      default:
        throw new FormulaError(`function ${name.text}() is not emulated (offset ${name.pos})`);
    }
  };

  const primary = (): Formula => {
    const token = next();
    if (token.kind === 'number') return { kind: 'literal', value: Number(token.text), type: 'number' };
    if (token.kind === 'string') return { kind: 'literal', value: unquote(token.text), type: 'text' };
    if (token.kind === '(') {
      const inner = expression();
      expect(')');
      return inner;
    }
    if (token.kind !== 'word') throw new FormulaError(`unexpected ${describe(token)} at offset ${token.pos}`);
    if (peek().kind === '(') return call(token);
    const upper = token.text.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'literal', value: upper === 'TRUE', type: 'boolean' };
    if (upper === 'NULL') return { kind: 'literal', value: null, type: 'null' };
    const def = fieldOf(token);
    return { kind: 'field', field: def, type: FIELD_TYPES[def.type] ?? 'text', prior: false };
  };

  const expression = (): Formula => {
    const left = primary();
    if (peek().kind !== 'op') return left;
    const token = next();
    const op = OPERATORS[token.text] as Comparison;
    const right = primary();
    checkComparable(op, left.type, right.type, token.pos);
    if (peek().kind === 'op') throw new FormulaError(`chained comparison at offset ${peek().pos}: add parentheses`);
    return { kind: 'compare', op, left, right, type: 'boolean' };
  };

  const formula = expression();
  if (peek().kind !== 'end') throw new FormulaError(`unexpected ${describe(peek())} at offset ${peek().pos}`);
  if (formula.type !== 'boolean') throw new FormulaError(`a validation formula must be Boolean, not ${formula.type}`);
  return formula;
}

function checkComparable(op: Comparison, left: FormulaType, right: FormulaType, pos: number): void {
  if (left !== 'null' && right !== 'null' && left !== right)
    throw new FormulaError(`cannot compare ${left} with ${right} (offset ${pos})`);
  const type = left === 'null' ? right : left;
  if ((op === '=' || op === '<>') && type !== 'null') return;
  if (!ORDERED.has(type)) throw new FormulaError(`operator ${op} needs numbers, dates or date-times, not ${type}`);
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of formula' : JSON.stringify(token.text);
}

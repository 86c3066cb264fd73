/** A literal in a WHERE clause; `date` keeps unquoted date/date-time literals apart from strings. */
export type Literal =
  | { kind: 'string' | 'date'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

/** A field path such as `Name` or `Account.App_Account_Id__c`, with its offset in the query. */
export interface FieldPath {
  parts: string[];
  pos: number;
}

export type Operator = '=' | '!=' | '<' | '>' | '<=' | '>=' | 'IN' | 'NOT IN';

export interface Condition {
  path: FieldPath;
  op: Operator;
  values: Literal[];
}

export interface OrderKey {
  path: FieldPath;
  descending: boolean;
  nullsLast: boolean;
}

/** The SOQL subset the emulator runs. */
export interface SoqlQuery {
  select: FieldPath[] | 'count';
  from: { name: string; pos: number };
  where: Condition[];
  orderBy: OrderKey[];
  limit?: number;
}

/** A query rejected the way Salesforce rejects it: code, offset and detail line. */
export class SoqlError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE',
    readonly pos: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

interface Token {
  kind: 'word' | 'string' | 'number' | 'date' | 'punct' | 'eof';
  text: string;
  pos: number;
  value?: string;
}

// Keywords that cannot name a field, so `SELECT Id, FROM X` fails at FROM like Salesforce.
const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'ORDER',
  'BY',
  'LIMIT',
  'NULL',
  'TRUE',
  'FALSE',
]);
const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))?/;
// SOQL string escapes; \_ and \% only matter to LIKE, which is not emulated, so they stand for themselves.
const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
  _: '_',
  '%': '%',
};

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const ch = soql.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (; j < soql.length && soql.charAt(j) !== "'"; j += 1) {
        if (soql.charAt(j) !== '\\') {
          value += soql.charAt(j);
          continue;
        }
        const escaped = ESCAPES[soql.charAt(j + 1)];
        if (escaped === undefined) {
          const detail =
            `Invalid string literal '${soql.slice(i, j + 2)}'. ` +
            `Illegal character sequence '\\${soql.charAt(j + 1)}' in string literal.`;
          throw new SoqlError('MALFORMED_QUERY', j, detail);
        }
        value += escaped;
        j += 1;
      }
      if (j >= soql.length) throw new SoqlError('MALFORMED_QUERY', i, `unexpected token: '${soql.slice(i)}'`);
      tokens.push({ kind: 'string', text: soql.slice(i, j + 1), pos: i, value });
      i = j + 1;
    } else if (DATE_LITERAL.test(soql.slice(i))) {
      const text = DATE_LITERAL.exec(soql.slice(i))?.[0] ?? '';
      tokens.push({ kind: 'date', text, pos: i, value: text });
      i += text.length;
    } else if (/[0-9.\-+]/.test(ch) && /^[+-]?(\d+\.?\d*|\.\d+)/.test(soql.slice(i))) {
      const text = /^[+-]?(\d+\.?\d*|\.\d+)/.exec(soql.slice(i))?.[0] ?? '';
      tokens.push({ kind: 'number', text, pos: i });
      i += text.length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const text = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(soql.slice(i))?.[0] ?? ch;
      tokens.push({ kind: 'word', text, pos: i });
      i += text.length;
    } else {
      const text = /^(<=|>=|!=|<>)/.exec(soql.slice(i))?.[0] ?? ch;
      tokens.push({ kind: 'punct', text, pos: i });
      i += text.length;
    }
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos: soql.length });
  return tokens;
}

/** Parses `SELECT … FROM … [WHERE …] [ORDER BY …] [LIMIT n]`; anything else is MALFORMED_QUERY. */
export function parseSoql(soql: string): SoqlQuery {
  const tokens = tokenize(soql);
  let at = 0;
  const peek = (): Token => tokens[at] ?? { kind: 'eof', text: '<EOF>', pos: soql.length };
  const next = (): Token => {
    const token = peek();
    at += 1;
    return token;
  };
  const unexpected = (token: Token): SoqlError =>
    new SoqlError('MALFORMED_QUERY', token.pos, `unexpected token: '${token.text}'`);
  const isWord = (token: Token, word: string) => token.kind === 'word' && token.text.toUpperCase() === word;
  const expectWord = (word: string): Token => {
    const token = next();
    if (!isWord(token, word)) throw unexpected(token);
    return token;
  };
  const expectPunct = (text: string): void => {
    const token = next();
    if (token.kind !== 'punct' || token.text !== text) throw unexpected(token);
  };
  const path = (): FieldPath => {
    const token = next();
    if (token.kind !== 'word' || token.text.endsWith('.') || RESERVED.has(token.text.toUpperCase()))
      throw unexpected(token);
    return { parts: token.text.split('.'), pos: token.pos };
  };
  const literal = (): Literal => {
    const token = next();
    if (token.kind === 'string') return { kind: 'string', value: token.value ?? '' };
    if (token.kind === 'date') return { kind: 'date', value: token.value ?? '' };
    if (token.kind === 'number') return { kind: 'number', value: Number(token.text) };
    if (isWord(token, 'TRUE') || isWord(token, 'FALSE')) return { kind: 'boolean', value: isWord(token, 'TRUE') };
    if (isWord(token, 'NULL')) return { kind: 'null' };
    throw unexpected(token);
  };

  expectWord('SELECT');
  let select: SoqlQuery['select'];
  if (isWord(peek(), 'COUNT') && tokens[at + 1]?.text === '(') {
    at += 1;
    expectPunct('(');
    expectPunct(')');
    select = 'count';
  } else {
    select = [path()];
    while (peek().text === ',') {
      at += 1;
      select.push(path());
    }
  }
  expectWord('FROM');
  const fromToken = next();
  if (fromToken.kind !== 'word') throw unexpected(fromToken);
  const query: SoqlQuery = { select, from: { name: fromToken.text, pos: fromToken.pos }, where: [], orderBy: [] };

  if (isWord(peek(), 'WHERE')) {
    do {
      at += 1;
      const left = path();
      const opToken = next();
      if (isWord(opToken, 'IN') || (isWord(opToken, 'NOT') && isWord(peek(), 'IN'))) {
        if (isWord(opToken, 'NOT')) at += 1;
        expectPunct('(');
        const values = [literal()];
        while (peek().text === ',') {
          at += 1;
          values.push(literal());
        }
        expectPunct(')');
        query.where.push({ path: left, op: isWord(opToken, 'NOT') ? 'NOT IN' : 'IN', values });
      } else if (opToken.kind === 'punct' && ['=', '!=', '<>', '<', '>', '<=', '>='].includes(opToken.text)) {
        const op = (opToken.text === '<>' ? '!=' : opToken.text) as Operator;
        query.where.push({ path: left, op, values: [literal()] });
      } else {
        throw unexpected(opToken);
      }
    } while (isWord(peek(), 'AND'));
  }
  if (isWord(peek(), 'ORDER')) {
    at += 1;
    expectWord('BY');
    do {
      if (query.orderBy.length > 0) at += 1;
      const key: OrderKey = { path: path(), descending: false, nullsLast: false };
      if (isWord(peek(), 'ASC') || isWord(peek(), 'DESC')) key.descending = isWord(next(), 'DESC');
      key.nullsLast = key.descending;
      if (isWord(peek(), 'NULLS')) {
        at += 1;
        const which = next();
        if (!isWord(which, 'FIRST') && !isWord(which, 'LAST')) throw unexpected(which);
        key.nullsLast = isWord(which, 'LAST');
      }
      query.orderBy.push(key);
    } while (peek().text === ',');
  }
  if (isWord(peek(), 'LIMIT')) {
    at += 1;
    const token = next();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw unexpected(token);
    query.limit = Number(token.text);
  }
  const rest = peek();
  if (rest.kind !== 'eof') throw unexpected(rest);
  return query;
}

/** Salesforce's error text: the offending line, a caret under the column, the position, the detail. */
export function formatSoqlError(soql: string, error: SoqlError): string {
  const before = soql.slice(0, error.pos).split('\n');
  const row = before.length;
  const column = (before[before.length - 1] ?? '').length + 1;
  const line = soql.split('\n')[row - 1] ?? '';
  return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${error.detail}`;
}

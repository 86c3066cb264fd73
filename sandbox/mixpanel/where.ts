/**
 * The part of Mixpanel's segmentation-expression grammar the export emulator evaluates:
 * `properties["name"]` compared with `==` or `!=` to a string, number or boolean literal,
 * combined with `and`, `or` and parentheses (docs.mixpanel.com reference/segmentation-expressions).
 * Anything else (`in`, `not`, arithmetic, typecasts, `defined`, user properties, ...) is refused,
 * so a test never silently gets an unfiltered answer.
 */

export type EventFilter = (properties: Record<string, unknown>) => boolean;

/** The expression cannot be evaluated here; the message says what is supported. */
export class UnsupportedWhereError extends Error {
  override readonly name = 'UnsupportedWhereError';
}

type Token =
  | { kind: 'property'; name: string }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'op'; value: '==' | '!=' }
  | { kind: 'keyword'; value: 'and' | 'or' }
  | { kind: 'paren'; value: '(' | ')' };

const SUPPORTED =
  'the sandbox evaluates only properties["name"] == or != a string, number or boolean literal, ' +
  'joined by and / or, with parentheses';

/** Parses a `where` expression into a predicate over an event's properties; throws `UnsupportedWhereError`. */
export function parseWhere(source: string): EventFilter {
  const tokens = tokenize(source);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const fail = (what: string): never => {
    throw new UnsupportedWhereError(`unsupported where expression (${what}): ${SUPPORTED}`);
  };

  const disjunction = (): EventFilter => {
    const parts = [conjunction()];
    while (isKeyword(peek(), 'or')) {
      position += 1;
      parts.push(conjunction());
    }
    return parts.length === 1 ? (parts[0] as EventFilter) : (props) => parts.some((part) => part(props));
  };
  const conjunction = (): EventFilter => {
    const parts = [primary()];
    while (isKeyword(peek(), 'and')) {
      position += 1;
      parts.push(primary());
    }
    return parts.length === 1 ? (parts[0] as EventFilter) : (props) => parts.every((part) => part(props));
  };
  const primary = (): EventFilter => {
    const token = peek();
    if (token?.kind === 'paren' && token.value === '(') {
      position += 1;
      const inner = disjunction();
      const close = peek();
      if (close?.kind !== 'paren' || close.value !== ')') fail('missing )');
      position += 1;
      return inner;
    }
    return comparison();
  };
  const comparison = (): EventFilter => {
    const left = tokens[position];
    const op = tokens[position + 1];
    const right = tokens[position + 2];
    if (!left || !op || !right || op.kind !== 'op') return fail('expected a comparison');
    position += 3;
    const [property, literal] =
      left.kind === 'property' && right.kind === 'literal'
        ? [left.name, right.value]
        : right.kind === 'property' && left.kind === 'literal'
          ? [right.name, left.value]
          : fail('a comparison needs one property and one literal');
    const equal = (props: Record<string, unknown>): boolean => props[property] === literal;
    return op.value === '==' ? equal : (props) => !equal(props);
  };

  const filter = disjunction();
  if (position !== tokens.length) fail('unexpected trailing input');
  return filter;
}

function isKeyword(token: Token | undefined, value: 'and' | 'or'): boolean {
  return token?.kind === 'keyword' && token.value === value;
}

/** A JSON string literal at the start, control characters aside: `jsonString` turns those away. */
const JSON_STRING = /^"(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;

/** Whether `text` holds a control character (U+0000 to U+001F), which JSON strings must escape. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

/** The JSON string literal `text` starts with, or null. */
function jsonString(text: string): RegExpExecArray | null {
  const match = JSON_STRING.exec(text);
  return match && !hasControlCharacter(match[0]) ? match : null;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let rest = source.trim();
  const unsupported = (): never => {
    throw new UnsupportedWhereError(
      `unsupported where expression near ${JSON.stringify(rest.slice(0, 30))}: ${SUPPORTED}`,
    );
  };
  while (rest.length > 0) {
    let match: RegExpExecArray | null;
    if ((match = /^properties\[\s*/.exec(rest))) {
      const name = jsonString(rest.slice(match[0].length));
      const close = name ? /^\s*\]/.exec(rest.slice(match[0].length + name[0].length)) : null;
      if (!name || !close) return unsupported();
      tokens.push({ kind: 'property', name: JSON.parse(name[0]) as string });
      rest = rest.slice(match[0].length + name[0].length + close[0].length);
    } else if ((match = jsonString(rest))) {
      tokens.push({ kind: 'literal', value: JSON.parse(match[0]) as string });
      rest = rest.slice(match[0].length);
    } else if ((match = NUMBER.exec(rest))) {
      tokens.push({ kind: 'literal', value: Number(match[0]) });
      rest = rest.slice(match[0].length);
    } else if ((match = /^(==|!=)/.exec(rest))) {
      tokens.push({ kind: 'op', value: match[1] as '==' | '!=' });
      rest = rest.slice(match[0].length);
    } else if ((match = /^(and|or|true|false)\b/.exec(rest))) {
      const word = match[1] as 'and' | 'or' | 'true' | 'false';
      tokens.push(
        word === 'true' || word === 'false'
          ? { kind: 'literal', value: word === 'true' }
          : { kind: 'keyword', value: word },
      );
      rest = rest.slice(match[0].length);
    } else if (rest[0] === '(' || rest[0] === ')') {
      tokens.push({ kind: 'paren', value: rest[0] });
      rest = rest.slice(1);
    } else {
      return unsupported();
    }
    rest = rest.trimStart();
  }
  if (tokens.length === 0) throw new UnsupportedWhereError('empty where expression');
  return tokens;
}

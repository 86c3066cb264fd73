import { chunkBy } from '../../batching.js';
import { PermanentError } from '../../errors.js';

// Escape sequences SOQL accepts in quoted strings; `\` and `'` are reserved and must be escaped.
// See "Quoted String Escape Sequences" in the SOQL and SOSL Reference (developer.salesforce.com/docs, page
// atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm).
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** Escapes a value for use inside a single-quoted SOQL string literal. */
export function escapeSoqlLiteral(value: string): string {
  return value.replace(/[\\'"\n\r\t\b\f]/g, (char) => ESCAPES[char] ?? char);
}

/** A quoted SOQL string literal. */
export function soqlLiteral(value: string): string {
  return `'${escapeSoqlLiteral(value)}'`;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** Refuses object and field names that are not plain API names (or relationship paths), so they cannot inject SOQL. */
export function assertApiName(name: string, what: string): void {
  if (!IDENTIFIER.test(name))
    throw new PermanentError(`Invalid Salesforce ${what} name: ${JSON.stringify(name)}`, { code: 'INVALID_API_NAME' });
}

const SEPARATOR = encodeURIComponent(', ');

/**
 * The `/query?q=` URLs of `{select} IN (…)` over `values`: at most `maxValues` literals each, and
 * each short enough that `uriPrefix` + URL stays within `maxUriBytes`, however long the values.
 * A value that cannot be percent-encoded (a lone surrogate is not Unicode) or whose query alone
 * would exceed the budget is left out: no field SOQL can filter on holds it (filterable text
 * fields hold at most 255 characters), so it would match nothing anyway.
 */
export function inListQueryUrls(
  select: string,
  values: readonly string[],
  limits: { uriPrefix: string; maxUriBytes: number; maxValues: number },
): string[] {
  const head = `/query?q=${encodeURIComponent(`${select} IN (`)}`;
  const tail = encodeURIComponent(')');
  const room = limits.maxUriBytes - limits.uriPrefix.length - head.length - tail.length;
  const literals: string[] = [];
  for (const value of new Set(values)) {
    let literal: string;
    try {
      literal = encodeURIComponent(soqlLiteral(value));
    } catch {
      continue; // URIError: not well-formed UTF-16
    }
    if (literal.length <= room) literals.push(literal);
  }
  // Counting a separator after every literal keeps each chunk within `room`; a lone literal fits by the check above.
  return chunkBy(literals, limits.maxValues, room, (literal) => literal.length + SEPARATOR.length).map(
    (chunk) => `${head}${chunk.join(SEPARATOR)}${tail}`,
  );
}

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

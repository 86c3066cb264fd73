/**
 * What an operator reads about a failed message (dead-letter attributes, log lines): bounded in
 * size and free of customer values. Vendors echo the offending value in their error text
 * (Salesforce: "data value too large: <value> (max length=255)"), so known value-echoing
 * phrases lose their value, e-mail addresses are masked, and the text is capped.
 */
export const MAX_REASON_CHARS = 1000;

const REDACTIONS: ReadonlyArray<[RegExp, string]> = [
  // Salesforce STRING_TOO_LONG and friends: "data value too large: <value> (max length=255)".
  [/(data value too large): [\s\S]*?(\(max length=\d+\))/gi, '$1 $2'],
  // INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, INVALID_EMAIL_ADDRESS, INVALID_TYPE_ON_FIELD_IN_RECORD.
  [/(bad value for restricted picklist field|invalid email address|value not of required type): [^\n;]*/gi, '$1'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '<email>'],
];

/** `message` redacted and capped at `MAX_REASON_CHARS`, marked when cut. */
export function operatorReason(message: string): string {
  let text = message;
  for (const [pattern, replacement] of REDACTIONS) text = text.replace(pattern, replacement);
  if (text.length <= MAX_REASON_CHARS) return text;
  const marker = ' …[truncated]';
  return text.slice(0, MAX_REASON_CHARS - marker.length) + marker;
}

/**
 * The message attributes that say why a message was dead-lettered. Every other attribute is the
 * message's own (`intent`, `count`, ids) and travels with it through a dead-lettering and a redrive.
 */
export const REASON_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set([
  'reason_code',
  'reason',
  'dead_lettered_at',
  'delivery_count',
]);

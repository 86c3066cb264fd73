const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Key prefixes of non-record ids the emulator hands out. */
export const PREFIX = { user: '005', ingestJob: '750', queryLocator: '0r8' } as const;

/**
 * Adds Salesforce's three-character case-safety suffix to a 15-character id: each 5-character
 * chunk contributes one character encoding which of its letters are upper case.
 */
export function toId18(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const ch = id15.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_CHARS.charAt(bits);
  }
  return id15 + suffix;
}

/** Whether a string has the shape of a 15- or 18-character Salesforce id. */
export function isIdShaped(value: string): boolean {
  return /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value);
}

/** The case-sensitive 15-character form that identifies a record. */
export function id15(id: string): string {
  return id.slice(0, 15);
}

/** Hands out realistic 18-character ids from one counter per key prefix. */
export class IdFactory {
  private readonly counters = new Map<string, number>();

  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    let body = '';
    for (let rest = n; rest > 0; rest = Math.floor(rest / 62)) body = BASE62.charAt(rest % 62) + body;
    // prefix (3) + pod "5g" + reserved "0" + 9-character sequence = the 15 characters of a real id.
    return toId18(`${prefix}5g0${body.padStart(9, '0')}`);
  }

  /** Next value of a named sequence (auto-number fields). */
  sequence(name: string): number {
    const n = (this.counters.get(name) ?? 0) + 1;
    this.counters.set(name, n);
    return n;
  }

  reset(): void {
    this.counters.clear();
  }
}

/** Renders an auto-number display format such as `TA-{000000}` for the n-th record. */
export function formatAutoNumber(format: string, n: number): string {
  return format.replace(/\{(0+)\}/, (_match, zeros: string) => String(n).padStart(zeros.length, '0'));
}

/** Salesforce's JSON date-time form: `2024-05-01T12:00:00.000+0000`. */
export function formatDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

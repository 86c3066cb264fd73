/**
 * RFC 4180 CSV, read incrementally and written cell by cell: quoted cells may hold delimiters,
 * doubled quotes and line breaks; rows end with LF, CRLF or CR. Shared by the Salesforce Bulk API
 * adapter and the flows that read CSV exports, so neither holds a whole file to parse it.
 */

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

type State = 'start' | 'unquoted' | 'quoted' | 'quoteInQuoted';

/**
 * A copy of a cell that does not point into the chunk it was cut from. V8 keeps a slice of 13 or
 * more characters as a view of its parent string, so a consumer that kept a few cells of each
 * chunk (ids in a map of a million users) would keep every chunk alive; flattening a one-character
 * prefix copies the text instead.
 */
function detached(cell: string): string {
  return cell.length < 13 ? cell : (' ' + cell).slice(1);
}

/** A CSV text that cannot be parsed (an unterminated quote, text after a closing quote). */
export class CsvError extends Error {
  override readonly name = 'CsvError';
}

/** Parses CSV text fed in chunks of any size; a row is returned once its line has ended. */
export class CsvParser {
  private readonly delimiter: number;
  private state: State = 'start';
  private cells: string[] = [];
  private cell = '';
  private skipLf = false;
  /** Whether the current line holds anything at all (a quoted empty cell does; a blank line does not). */
  private touched = false;
  /** Rows ended so far, blank lines included (for error messages that name a line). */
  rowsSeen = 0;

  constructor(delimiter = ',') {
    if (delimiter.length !== 1 || delimiter === '"') throw new CsvError(`Unusable CSV delimiter ${delimiter}`);
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** The rows completed by this chunk; blank lines are skipped. */
  push(chunk: string): string[][] {
    const rows: string[][] = [];
    let i = 0;
    if (this.skipLf && chunk.charCodeAt(0) === LF) i = 1;
    this.skipLf = false;
    const n = chunk.length;
    while (i < n) {
      if (this.state === 'quoted') {
        const close = chunk.indexOf('"', i);
        if (close < 0) {
          this.cell += chunk.slice(i);
          return rows;
        }
        this.cell += chunk.slice(i, close);
        this.state = 'quoteInQuoted';
        i = close + 1;
        continue;
      }
      const code = chunk.charCodeAt(i);
      if (this.state === 'quoteInQuoted') {
        if (code === QUOTE) {
          this.cell += '"';
          this.state = 'quoted';
          i += 1;
          continue;
        }
        if (code !== this.delimiter && code !== LF && code !== CR)
          throw new CsvError(`Unexpected text after a closing quote on line ${this.rowsSeen + 1}`);
        this.state = 'unquoted';
      }
      if (this.state === 'start' && code === QUOTE) {
        this.state = 'quoted';
        this.touched = true;
        i += 1;
        continue;
      }
      // Unquoted text runs to the next delimiter or line end.
      let j = i;
      while (j < n) {
        const c = chunk.charCodeAt(j);
        if (c === this.delimiter || c === LF || c === CR) break;
        j += 1;
      }
      if (j > i) this.touched = true;
      this.cell += chunk.slice(i, j);
      if (j === n) {
        this.state = 'unquoted';
        return rows;
      }
      const end = chunk.charCodeAt(j);
      this.cells.push(detached(this.cell));
      this.cell = '';
      this.state = 'start';
      i = j + 1;
      if (end === this.delimiter) {
        this.touched = true;
        continue;
      }
      if (end === CR) {
        if (i < n && chunk.charCodeAt(i) === LF) i += 1;
        else if (i === n) this.skipLf = true;
      }
      this.endRow(rows);
    }
    return rows;
  }

  /** The last row when the text does not end with a line break; throws on an unterminated quote. */
  end(): string[][] {
    if (this.state === 'quoted') throw new CsvError(`Unterminated quoted cell on line ${this.rowsSeen + 1}`);
    if (!this.touched) return [];
    this.cells.push(detached(this.cell));
    const rows: string[][] = [];
    this.endRow(rows);
    return rows;
  }

  private endRow(rows: string[][]): void {
    this.rowsSeen += 1;
    const row = this.cells;
    const blank = !this.touched;
    this.cells = [];
    this.cell = '';
    this.state = 'start';
    this.touched = false;
    if (!blank) rows.push(row);
  }
}

/** Every row of CSV text arriving in chunks (e.g. a decoded stream), one at a time. */
export async function* csvRows(chunks: AsyncIterable<string>, delimiter = ','): AsyncGenerator<string[]> {
  const parser = new CsvParser(delimiter);
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}

/** All rows of a CSV text. */
export function parseCsvText(text: string, delimiter = ','): string[][] {
  const parser = new CsvParser(delimiter);
  return [...parser.push(text), ...parser.end()];
}

/** A CSV cell: quoted when it holds a quote, the delimiter, a line break or edge spaces. */
export function csvCell(value: string, delimiter = ','): string {
  const needsQuotes =
    value.includes('"') ||
    value.includes(delimiter) ||
    value.includes('\n') ||
    value.includes('\r') ||
    value !== value.trim();
  return needsQuotes ? `"${value.replace(/"/g, '""')}"` : value;
}

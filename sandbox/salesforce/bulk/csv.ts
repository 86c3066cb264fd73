/** Bulk API 2.0 `columnDelimiter` values and the characters they stand for. */
export const DELIMITERS = { COMMA: ',', TAB: '\t', SEMICOLON: ';', PIPE: '|', CARET: '^', BACKQUOTE: '`' } as const;

/** RFC 4180 parsing: quoted cells may hold delimiters, doubled quotes and line breaks; LF or CRLF rows. */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text.charAt(i + 1) === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** A quoted CSV cell, as the result files quote every value. */
export function quote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** A header cell: left bare unless it needs quoting (the result files echo the uploaded header). */
export function bare(value: string, delimiter: string): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) ? quote(value) : value;
}

/** Joins pre-formatted cells into CSV text with the job's delimiter and line ending. */
export function toCsv(lines: string[][], delimiter: string, lineEnding: 'LF' | 'CRLF'): string {
  const eol = lineEnding === 'CRLF' ? '\r\n' : '\n';
  return lines.map((cells) => cells.join(delimiter)).join(eol) + eol;
}

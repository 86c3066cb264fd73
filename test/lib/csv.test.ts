import { Readable } from 'node:stream';
import { csvCell, CsvError, CsvParser, csvRows, parseCsvText } from '../../lib/csv.js';

const TEXT =
  'id,name,note\r\n' +
  '1,"Acme, Inc.","said ""hi"""\r\n' +
  '2,"Two\nlines",\r\n' +
  '\r\n' +
  '3,"",plain\n' +
  '4,x,"last"';

const EXPECTED = [
  ['id', 'name', 'note'],
  ['1', 'Acme, Inc.', 'said "hi"'],
  ['2', 'Two\nlines', ''],
  ['3', '', 'plain'],
  ['4', 'x', 'last'],
];

describe('CSV', () => {
  it('parses quoted delimiters, doubled quotes, line breaks in cells, CRLF and a last line without a break', () => {
    expect(parseCsvText(TEXT)).toEqual(EXPECTED);
  });

  it('gives the same rows wherever the chunks are cut', () => {
    for (let cut = 0; cut <= TEXT.length; cut += 1) {
      const parser = new CsvParser();
      const rows = [...parser.push(TEXT.slice(0, cut)), ...parser.push(TEXT.slice(cut)), ...parser.end()];
      expect({ cut, rows }).toEqual({ cut, rows: EXPECTED });
    }
  });

  it('keeps a row of one quoted empty cell and skips blank lines', () => {
    expect(parseCsvText('"a"\n""\n\n"b"\n')).toEqual([['a'], [''], ['b']]);
  });

  it('reads rows from a stream of one-character chunks', async () => {
    const rows: string[][] = [];
    const source = Readable.from(TEXT.split(''), { objectMode: true }) as AsyncIterable<string>;

    for await (const row of csvRows(source)) rows.push(row);

    expect(rows).toEqual(EXPECTED);
  });

  it('refuses an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsvText('a,"open\n')).toThrow(CsvError);
    expect(() => parseCsvText('"a"b,c\n')).toThrow(/line 1/);
  });

  it('quotes a cell only when it must and round-trips it', () => {
    const values = ['plain', 'a,b', 'say "x"', 'two\nlines', ' padded', ''];

    const line = values.map((value) => csvCell(value)).join(',');

    expect(line).toBe('plain,"a,b","say ""x""","two\nlines"," padded",');
    expect(parseCsvText(`${line}\n`)).toEqual([values]);
  });
});

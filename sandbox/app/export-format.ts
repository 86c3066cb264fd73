import { EXPORT_COLUMNS, type ExportRow } from './generate.js';

export type ExportFormat = 'ndjson' | 'csv';

/** The first line of a file of the format: the CSV header row; NDJSON has none. */
export function headerLine(format: ExportFormat): string {
  return format === 'csv' ? `${EXPORT_COLUMNS.join(',')}\n` : '';
}

/** One row as a line of the format; in CSV a null is an empty cell. */
export function rowLine(row: ExportRow, format: ExportFormat): string {
  if (format === 'ndjson') return `${JSON.stringify(row)}\n`;
  return `${EXPORT_COLUMNS.map((column) => csvCell(row[column])).join(',')}\n`;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

import { hashSummary, mixpanelSummary, reasons, shortInstant, subjectLabel, summaryLine } from './describe.js';
import type { EvidenceReport } from './types.js';

const HEADERS = [
  '#',
  'Accepted at (UTC)',
  'Version',
  'IP address',
  'Terms sha256',
  'Record',
  'Evidence hash',
  'Mixpanel event',
];

/**
 * The report for a terminal: a header, one table row per acceptance (oldest first), then a verdict
 * line per acceptance with the reason of every flag, and the overall result.
 */
export function renderText(report: EvidenceReport): string {
  const lines = [
    `Terms acceptances of ${subjectLabel(report.subject)}`,
    `Generated ${report.generatedAt}${sources(report)}`,
    '',
  ];
  if (report.acceptances.length === 0) {
    lines.push('No Terms_Acceptance__c record found.', '', summaryLine(report));
    return `${lines.join('\n')}\n`;
  }
  const rows = report.acceptances.map((acceptance, i) => [
    String(i + 1),
    shortInstant(acceptance.acceptedAt),
    acceptance.termsVersion ?? '—',
    acceptance.ipAddress ?? '—',
    acceptance.termsSha256 ? `${acceptance.termsSha256.slice(0, 12)}…` : '—',
    acceptance.salesforce.name ?? acceptance.salesforce.id,
    hashSummary(acceptance),
    mixpanelSummary(acceptance.mixpanelEvent),
  ]);
  lines.push(...table([HEADERS, ...rows]), '');
  report.acceptances.forEach((acceptance, i) => {
    const record = acceptance.salesforce.name ?? acceptance.salesforce.id;
    lines.push(
      `${i + 1}  ${record}  ${acceptance.acceptanceId ?? '(no acceptance id)'}  ${acceptance.verdicts.join(', ')}`,
    );
    for (const reason of reasons(acceptance)) lines.push(`   - ${reason}`);
  });
  lines.push('', summaryLine(report));
  return `${lines.join('\n')}\n`;
}

function sources(report: EvidenceReport): string {
  const parts = [
    report.sources.salesforce && `Salesforce ${report.sources.salesforce}`,
    report.sources.mixpanel && `Mixpanel ${report.sources.mixpanel}`,
  ].filter(Boolean);
  return parts.length > 0 ? ` from ${parts.join(' and ')}` : '';
}

/** Left-aligned columns two spaces apart, no trailing blanks. */
function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd((widths[column] ?? 0) + cell.length - [...cell].length))
      .join('  ')
      .trimEnd(),
  );
}

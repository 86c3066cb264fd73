import {
  HASH_EXPLANATION,
  hashSummary,
  mixpanelSummary,
  reasons,
  shortInstant,
  subjectLabel,
  summaryLine,
} from './describe.js';
import type { AcceptanceEvidence, EvidenceReport } from './types.js';

const CSS = `
*{box-sizing:border-box}
body{font:13px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#111;
margin:24px auto;max-width:900px;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:15px;margin:0;display:flex;justify-content:space-between;gap:12px;align-items:baseline}
.meta{color:#555;margin:0 0 12px}
.result{padding:8px 12px;border-radius:4px;font-weight:600;margin:12px 0 20px}
.ok{background:#e6f4ea;color:#0b5d1e;border:1px solid #9fd3ae}
.flag{background:#fdecea;color:#8a1c13;border:1px solid #f1aca6}
section{border:1px solid #ccc;border-radius:4px;padding:12px 14px;margin:0 0 16px;
page-break-inside:avoid;break-inside:avoid}
.badge{font-size:12px;padding:2px 8px;border-radius:10px;white-space:nowrap}
table{border-collapse:collapse;width:100%;margin:8px 0 0}
th,td{text-align:left;vertical-align:top;padding:3px 8px 3px 0;border-bottom:1px solid #eee}
th{width:190px;color:#444;font-weight:600}
td{word-break:break-all}
h3{font-size:13px;margin:12px 0 0}
code{font:11px/1.4 ui-monospace,Menlo,Consolas,monospace}
ul{margin:6px 0 0;padding-left:18px}
footer{color:#444;border-top:1px solid #ccc;padding-top:8px;margin-top:20px;font-size:12px}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}
`;

/** A self-contained, printable one-page HTML document of the report; every value is escaped. */
export function renderHtml(report: EvidenceReport): string {
  const who = subjectLabel(report.subject);
  const sources = [
    report.sources.salesforce && `Salesforce ${report.sources.salesforce}`,
    report.sources.mixpanel && `Mixpanel ${report.sources.mixpanel}`,
  ]
    .filter(Boolean)
    .join(' · ');
  const generated = escapeHtml(shortInstant(report.generatedAt));
  const readFrom = sources ? ` · read from ${escapeHtml(sources)}` : '';
  const acceptances =
    report.acceptances.length === 0
      ? '<p>No Terms_Acceptance__c record was found for this person.</p>\n'
      : report.acceptances.map((acceptance, i) => section(acceptance, i + 1)).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Terms acceptance evidence — ${who}`)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Terms acceptance evidence</h1>
<p class="meta">For ${escapeHtml(who)} · generated ${generated} UTC${readFrom}</p>
<div class="result ${report.verified ? 'ok' : 'flag'}">${escapeHtml(summaryLine(report))}</div>
${acceptances}<footer><p>${escapeHtml(HASH_EXPLANATION)}</p></footer>
</body>
</html>
`;
}

function section(a: AcceptanceEvidence, n: number): string {
  const check = a.mixpanelEvent;
  const flags = reasons(a);
  const recordName = escapeHtml(a.salesforce.name ?? a.salesforce.id);
  const recordId = escapeHtml(a.salesforce.id);
  const record = a.salesforce.link
    ? `<a href="${escapeHtml(a.salesforce.link)}">${recordName}</a> (${recordId})`
    : `${recordName} (${recordId})`;
  const termsUrl =
    a.termsUrl && /^https?:\/\//i.test(a.termsUrl)
      ? `<a href="${escapeHtml(a.termsUrl)}">${escapeHtml(a.termsUrl)}</a>`
      : value(a.termsUrl);
  const mixpanelRows: Array<[string, string]> = [
    ['Mixpanel event', escapeHtml(`Terms Accepted: ${mixpanelSummary(check)}`)],
    ['Days searched (UTC)', value(check.window ? `${check.window.fromDate} to ${check.window.toDate}` : null)],
  ];
  if (check.status === 'found') {
    mixpanelRows.push(
      ['Event time (UTC)', value(shortInstant(check.event.timeIso))],
      ['distinct_id', value(check.event.distinctId)],
      ['$insert_id', value(check.event.insertId)],
      ['accepted_ip', value(check.event.acceptedIp)],
      ['terms_version', value(check.event.termsVersion)],
      ['terms_sha256', value(check.event.termsSha256)],
      ['salesforce_record_id', value(check.event.salesforceRecordId)],
    );
  }
  if (check.status === 'error') mixpanelRows.push(['Error', value(check.message)]);
  const version = escapeHtml(a.termsVersion ?? '—');
  const acceptedAt = escapeHtml(shortInstant(a.acceptedAt));
  const badge = `<span class="badge ${a.verified ? 'ok' : 'flag'}">${escapeHtml(a.verdicts.join(', '))}</span>`;
  const flagList = flags.length > 0 ? `<ul>${flags.map((flag) => `<li>${escapeHtml(flag)}</li>`).join('')}</ul>\n` : '';
  return `<section>
<h2><span>${n}. Terms version ${version} accepted ${acceptedAt} UTC</span>${badge}</h2>
${flagList}<h3>Recorded acceptance</h3>
${rows([
  ['Acceptance id', value(a.acceptanceId)],
  ['App user id', value(a.userId)],
  ['Email', value(a.email)],
  ['App account id', value(a.accountId)],
  ['Terms version', value(a.termsVersion)],
  ['Accepted at (UTC)', value(a.acceptedAt)],
  ['IP address', value(a.ipAddress)],
  ['User agent', value(a.userAgent)],
  ['Terms URL', termsUrl],
  ['Terms SHA-256 (words shown)', value(a.termsSha256)],
  ['Salesforce record', record],
  ['Record created (UTC)', value(a.salesforce.createdDate)],
  ['Contact / Account', value([a.salesforce.contactId, a.salesforce.accountId].map((id) => id ?? '—').join(' / '))],
])}
<h3>Verification</h3>
${rows([
  [
    'Evidence hash',
    escapeHtml(
      hashSummary(a) === 'valid'
        ? 'valid: the record matches the hash stored at creation'
        : hashSummary(a) === 'EDITED'
          ? 'EDITED SINCE RECORDED'
          : 'no hash stored',
    ),
  ],
  ['Stored hash', `<code>${value(a.evidenceHash.stored)}</code>`],
  ['Recomputed hash', `<code>${value(a.evidenceHash.recomputed)}</code>`],
  ['Canonical evidence (from the record now)', `<code>${value(a.evidenceHash.canonical)}</code>`],
  ...mixpanelRows,
])}
</section>
`;
}

function rows(entries: Array<[string, string]>): string {
  const cells = entries.map(([label, html]) => `<tr><th>${escapeHtml(label)}</th><td>${html}</td></tr>`);
  return `<table>${cells.join('')}</table>`;
}

function value(text: string | null): string {
  return text === null ? '—' : escapeHtml(text);
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

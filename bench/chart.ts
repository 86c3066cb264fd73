import type { Timeline } from './timeline.js';

const PANEL = { width: 420, height: 180, left: 56, top: 34, gap: 40 };
const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A rounded-up axis maximum (1, 2 or 5 × a power of ten). */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

/** One line plot with its axes, title and the maximum of each axis written at its end. */
function panel(
  x0: number,
  y0: number,
  title: string,
  points: ReadonlyArray<readonly [number, number]>,
  yMax: number,
  colour: string,
): string {
  const { width, height, left, top } = PANEL;
  const xMax = niceMax(Math.max(1, ...points.map(([x]) => x)));
  const px = (x: number): number => x0 + left + (x / xMax) * (width - left - 10);
  const py = (y: number): number => y0 + top + height - (Math.min(y, yMax) / yMax) * height;
  const line = points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
  const axisY = y0 + top + height;
  return [
    `<text x="${x0 + left}" y="${y0 + 20}" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="${x0 + left}" y1="${y0 + top}" x2="${x0 + left}" y2="${axisY}" stroke="#444"/>`,
    `<line x1="${x0 + left}" y1="${axisY}" x2="${x0 + width - 10}" y2="${axisY}" stroke="#444"/>`,
    `<text x="${x0 + left - 6}" y="${y0 + top + 4}" font-size="11" text-anchor="end">${yMax}</text>`,
    `<text x="${x0 + left - 6}" y="${axisY}" font-size="11" text-anchor="end">0</text>`,
    `<text x="${x0 + width - 10}" y="${axisY + 16}" font-size="11" text-anchor="end">${xMax} s</text>`,
    points.length > 1 ? `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${line}"/>` : '',
  ].join('\n');
}

/**
 * An SVG of each timeline: records/s on the left, the Salesforce daily budget used (%) on the
 * right, one row per scenario, drawn with plain strings (no chart library).
 */
export function timelineChart(timelines: readonly Timeline[], subtitle: string): string {
  const rowHeight = PANEL.top + PANEL.height + PANEL.gap;
  const width = 2 * PANEL.width + 20;
  const height = 50 + timelines.length * rowHeight;
  const rows = timelines.map((timeline, i) => {
    const y0 = 40 + i * rowHeight;
    const rate = timeline.samples.map((s) => [s.t, s.recordsPerSecond] as const);
    const budget = timeline.samples.map((s) => [s.t, s.budgetUsedPercent] as const);
    return [
      panel(0, y0, `${timeline.name}: records/s`, rate, niceMax(Math.max(0, ...rate.map(([, y]) => y))), '#1f77b4'),
      panel(PANEL.width, y0, `${timeline.name}: Salesforce budget used (%)`, budget, 100, '#d62728'),
    ].join('\n');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="24" font-size="15" font-weight="bold">${escapeXml(subtitle)}</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}

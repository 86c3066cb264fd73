import { createProgressRenderer, formatElapsed, progressBar } from '../../../../lib/tickets/backfill/progress.js';

/** The escape character that starts ANSI control sequences. */
const ESC = String.fromCharCode(27);

function fakeStream(isTTY: boolean): { isTTY: boolean; written: string[]; write: (text: string) => boolean } {
  const written: string[] = [];
  return { isTTY, written, write: (text) => written.push(text) > 0 };
}

describe('createProgressRenderer', () => {
  let ms: number;
  const now = (): number => ms;
  beforeEach(() => {
    ms = 1_000_000;
  });

  it('writes one plain line per page when not on a terminal', () => {
    const stream = fakeStream(false);
    const render = createProgressRenderer(stream, now);

    ms += 10_000;
    render({ pages: 1, tickets: 1000, cursor: 'c1', done: false });
    ms += 10_000;
    render({ pages: 2, tickets: 1500, cursor: 'c2', done: true });

    expect(stream.written).toEqual([
      'backfill: 1 pages, 1000 tickets, 100.0 tickets/s, 0:10\n',
      'backfill: 2 pages, 1500 tickets, 75.0 tickets/s, 0:20, done\n',
    ]);
  });

  it('rewrites one line in place on a terminal and ends it when done', () => {
    const stream = fakeStream(true);
    const render = createProgressRenderer(stream, now);

    ms += 2_000;
    render({ pages: 1, tickets: 1000, cursor: 'c1', done: false });
    render({ pages: 2, tickets: 2000, cursor: 'c2', done: true });

    expect(stream.written[0]).toBe('\rbackfill: 1 pages, 1000 tickets, 500.0 tickets/s, 0:02\u001b[K');
    expect(stream.written[1]).toMatch(new RegExp(`^\\rbackfill: 2 pages, 2000 tickets, .*, done${ESC}\\[K\\n$`));
  });

  it('formats elapsed time as m:ss, and h:mm:ss from an hour on', () => {
    expect([formatElapsed(0), formatElapsed(65.9), formatElapsed(3_725)]).toEqual(['0:00', '1:05', '1:02:05']);
  });
});

describe('progressBar', () => {
  it('fills in proportion and clamps to 0..100 %', () => {
    expect(progressBar(0)).toBe(`[${'.'.repeat(24)}]   0%`);
    expect(progressBar(0.5)).toBe(`[${'#'.repeat(12)}${'.'.repeat(12)}]  50%`);
    expect(progressBar(1.7)).toBe(`[${'#'.repeat(24)}] 100%`);
  });
});

describe('createProgressRenderer with a fraction', () => {
  it('draws the bar from how far along the export is, full when done', () => {
    const written: string[] = [];
    let along = 0.25;
    const render = createProgressRenderer(
      { write: (text: string) => written.push(text) },
      () => 0,
      () => along,
    );

    render({ pages: 1, tickets: 1000, cursor: 'c1', done: false });
    along = 0.6;
    render({ pages: 2, tickets: 1500, cursor: 'c2', done: true });

    expect(written[0]).toContain(`[${'#'.repeat(6)}${'.'.repeat(18)}]  25%`);
    expect(written[1]).toContain(`[${'#'.repeat(24)}] 100%`);
  });
});

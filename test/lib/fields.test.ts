import { wellFormed } from '../../lib/text.js';
import { isPlaceholderId, keepWholeItems, TRUNCATION_MARKER, truncate } from '../../lib/fields.js';

describe('isPlaceholderId', () => {
  it("knows Mixpanel's placeholder ids in any case, and blanks", () => {
    for (const id of ['null', 'NULL', 'undefined', '0', '-1', 'None', 'anon', 'nil', '[]', '{}', '', '  ', 'N/A'])
      expect(isPlaceholderId(id)).toBe(true);
    expect(isPlaceholderId('00000000-0000-0000-0000-000000000000')).toBe(true);
  });

  it('lets real ids through', () => {
    for (const id of ['u_1', '10', 'nullable', 'anonymous-7', '0x0']) expect(isPlaceholderId(id)).toBe(false);
  });
});

describe('truncate', () => {
  it('keeps what fits and cuts the rest to the length, ending with the marker', () => {
    expect(truncate('short', 10)).toBe('short');
    const cut = truncate('x'.repeat(100_000), 255);
    expect(cut).toHaveLength(255);
    expect(cut.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncate('😀'.repeat(200), 255);
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(cut).toBe(wellFormed(cut));
  });
});

describe('keepWholeItems', () => {
  it('keeps every item when they fit', () => {
    expect(keepWholeItems(['a', 'b'], 3)).toEqual(['a', 'b']);
  });

  it('keeps the first whole items that fit with the marker', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => `tag${i}`);

    const kept = keepWholeItems(items, 32768);

    expect(kept.join(' ').length).toBeLessThanOrEqual(32768);
    expect(kept.at(-1)).toBe(TRUNCATION_MARKER);
    expect(kept.slice(0, -1)).toEqual(items.slice(0, kept.length - 1));
  });

  it('keeps fewer than maxItems in all', () => {
    expect(keepWholeItems(['a', 'b', 'c', 'd'], 100, { maxItems: 3 })).toEqual(['a', 'b', TRUNCATION_MARKER]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { asText, textOrNull, wellFormed } from '../../lib/text.js';

describe('asText', () => {
  it('keeps strings and writes numbers and booleans as themselves', () => {
    expect([asText('acc_1'), asText(710061), asText(false), asText(12n)]).toEqual(['acc_1', '710061', 'false', '12']);
  });

  it('writes objects and arrays as JSON, never [object Object]', () => {
    expect(asText({ code: 'invalid', detail: 'x' })).toBe('{"code":"invalid","detail":"x"}');
    expect(asText(['a', 1])).toBe('["a",1]');
    expect(asText(null)).toBe('null');
  });
});

describe('textOrNull', () => {
  it('treats undefined, null and the empty string as absent', () => {
    expect([textOrNull(undefined), textOrNull(null), textOrNull('')]).toEqual([null, null, null]);
  });

  it('returns the text of anything else', () => {
    expect([textOrNull(0), textOrNull('203.0.113.7'), textOrNull({ a: 1 })]).toEqual(['0', '203.0.113.7', '{"a":1}']);
  });
});

describe('wellFormed', () => {
  it('replaces lone surrogates with U+FFFD and keeps pairs', () => {
    expect(wellFormed('a\uD800b')).toBe('a\uFFFDb');
    expect(wellFormed('\uDC00x\uD83D')).toBe('\uFFFDx\uFFFD');
    expect(wellFormed('ok 😀')).toBe('ok 😀');
  });
});

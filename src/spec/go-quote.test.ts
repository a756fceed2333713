import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipValue, goQuote, quoteValue } from './go-quote.ts';

describe('goQuote (strconv.Quote)', () => {
  it('matches Go for escapes, controls and Unicode', () => {
    // Expected strings were printed by Go 1.19's fmt.Sprintf("%q", ...), except the last: a lone surrogate has no
    // UTF-8 form (Go would show the bad bytes), so it is quoted as the replacement character.
    const cases: [string, string][] = [
      ['', '""'],
      ['K=V', '"K=V"'],
      ['a"b\\c', '"a\\"b\\\\c"'],
      ['\u0007\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
      ['\u0000\u001f\u007f', '"\\x00\\x1f\\x7f"'],
      ['\u0085\u00a0\u00ad', '"\\u0085\\u00a0\\u00ad"'],
      ['café ✓ 日本', '"café ✓ 日本"'],
      ['\u2028\ufeff', '"\\u2028\\ufeff"'],
      ['😀', '"😀"'],
      ['\u{e0001}', '"\\U000e0001"'],
      ['\ud800', '"\\ufffd"'],
    ];
    for (const [input, expected] of cases) assert.equal(goQuote(input), expected, JSON.stringify(input));
  });
  it('bounds long values in messages', () => {
    const long = 'x'.repeat(10_000);
    assert.equal(quoteValue(long), `"${'x'.repeat(256)}"... (10000 chars)`);
    assert.equal(quoteValue('short'), '"short"');
    assert.equal(clipValue(long), `${'x'.repeat(256)}... (10000 chars)`);
    assert.equal(clipValue('ab'), 'ab');
  });
});

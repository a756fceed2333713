import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads units and bare milliseconds', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('250'), 250);
    assert.equal(parseDuration('0'), 0);
  });
  it('rejects anything else', () => {
    for (const bad of ['', 's', '-1s', '1d', '1 s x', 'soon', '1e3', '99999999999999999999h']) {
      assert.equal(parseDuration(bad), undefined, bad);
    }
  });
});

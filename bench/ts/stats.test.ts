import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nearestRank, Recorder, summarize } from './stats.ts';

test('median is the middle value, or the mean of the two middle values when n is even (as cnibench)', () => {
  assert.equal(summarize([3, 1, 2]).median, 2);
  assert.equal(summarize([4, 1, 3, 2]).median, 2.5);
});

test('p90 and p99 are nearest-rank: the value at rank ceil(p/100*n)', () => {
  const s = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200
  assert.equal(nearestRank(s, 99), 198);
  assert.equal(nearestRank(s, 90), 180);
  const t = Array.from({ length: 10 }, (_, i) => i + 1);
  assert.equal(nearestRank(t, 99), 10); // ceil(9.9) = 10
  assert.equal(nearestRank([7], 99), 7);
  const r = summarize([5, 1, 4, 2, 3]);
  assert.deepEqual(r, { n: 5, min: 1, median: 3, mean: 3, p90: 5, p99: 5, max: 5 });
});

test('figures are rounded to 4 decimals and an empty series is all zeros', () => {
  assert.equal(summarize([1.234567]).median, 1.2346);
  assert.deepEqual(summarize([]), { n: 0, min: 0, median: 0, mean: 0, p90: 0, p99: 0, max: 0 });
});

test('the recorder keeps series apart and returns rounded raw samples', () => {
  const rec = new Recorder();
  rec.add('add', 1.000049);
  rec.add('add', 3);
  rec.add('del', 2);
  assert.deepEqual(rec.raw(), { add: [1, 3], del: [2] });
  assert.equal(rec.summaries().add?.median, 2);
});

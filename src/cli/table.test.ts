import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAge, renderTable } from './table.ts';

describe('renderTable', () => {
  it('aligns columns on plain widths, even when cells are painted', () => {
    const out = renderTable(
      ['A', 'BB', 'C'],
      [
        ['long', 'x', ''],
        ['s', 'yyy', 'z'],
      ],
      (col, cell) => (col === 1 ? `<${cell}>` : cell),
    );
    assert.equal(out, 'A     BB   C\nlong  <x>\ns     <yyy>  z\n');
  });
});

describe('formatAge', () => {
  it('picks a unit', () => {
    assert.equal(formatAge(undefined), '-');
    assert.equal(formatAge(-5), '0s');
    assert.equal(formatAge(42_000), '42s');
    assert.equal(formatAge(5 * 60_000), '5m');
    assert.equal(formatAge(3 * 3_600_000), '3h');
    assert.equal(formatAge(12 * 86_400_000), '12d');
  });
});

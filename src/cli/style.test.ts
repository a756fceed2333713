import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Output } from './io.ts';
import { colourEnabled, styleFor } from './style.ts';

const tty: Output = { write: () => {}, isTTY: true };
const pipe: Output = { write: () => {}, isTTY: false };

describe('colour', () => {
  it('only on a terminal, and never with NO_COLOR set non-empty or TERM=dumb', () => {
    assert.equal(colourEnabled(tty, {}), true);
    assert.equal(colourEnabled(pipe, {}), false);
    assert.equal(colourEnabled(tty, { NO_COLOR: '1' }), false);
    assert.equal(colourEnabled(tty, { NO_COLOR: '' }), true);
    assert.equal(colourEnabled(tty, { TERM: 'dumb' }), false);
  });
  it('styles with escapes when enabled and returns text untouched otherwise', () => {
    assert.equal(styleFor(tty, {}).red('x'), '\u001b[31mx\u001b[39m');
    assert.equal(styleFor(tty, { NO_COLOR: 'yes' }).red('x'), 'x');
    assert.equal(styleFor(pipe, {}).bold('x'), 'x');
  });
});

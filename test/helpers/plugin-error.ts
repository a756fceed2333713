// Awaiting a call that must fail with a plugin's error, for the invoke tests.
import assert from 'node:assert/strict';
import { PluginError } from '../../src/invoke/errors.ts';

/** The PluginError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function pluginFailure(p: Promise<unknown>): Promise<PluginError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PluginError, String(e));
    return e;
  }
  assert.fail('expected a PluginError');
}

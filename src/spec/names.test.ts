import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNIError } from './errors.ts';
import { validateContainerId, validateInterfaceName, validateNetworkName } from './names.ts';

const code = (fn: () => void): number | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return CNIError.is(e) ? e.code : -1;
  }
};

describe('name rules', () => {
  it('accepts ordinary names', () => {
    validateContainerId('abc-123_x.y');
    validateNetworkName('realnet');
    validateInterfaceName('eth0');
    validateInterfaceName('a'.repeat(15));
  });
  it('refuses traversal, NUL, non-ASCII and oversized names with upstream codes', () => {
    for (const bad of ['../etc', 'a/b', '.hidden', 'a\0b', 'ctr\u0430', '-x', '']) {
      assert.notEqual(
        code(() => validateContainerId(bad)),
        undefined,
        bad,
      );
      assert.equal(
        code(() => validateNetworkName(bad)),
        7,
        bad,
      );
    }
    assert.equal(
      code(() => validateContainerId('')),
      3,
    );
    assert.equal(
      code(() => validateContainerId('../x')),
      4,
    );
    for (const bad of ['', '.', '..', 'a/b', 'a:b', 'a b', 'a\0b', 'a\u00a0b', 'x'.repeat(16), 'é'.repeat(8)]) {
      assert.equal(
        code(() => validateInterfaceName(bad)),
        4,
        JSON.stringify(bad),
      );
    }
  });
});

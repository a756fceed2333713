import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatCniArgs, parseCniArgs, parseKnownArgs } from './cni-args.ts';
import { CNIError } from './errors.ts';

function failsWith(fn: () => unknown, msg: string): void {
  assert.throws(fn, (e: unknown) => CNIError.is(e) && e.code === 4 && e.msg === msg);
}

describe('parseCniArgs (cnitool rules)', () => {
  it('reads K=V pairs in order and an empty string as none', () => {
    assert.deepEqual(parseCniArgs(''), []);
    assert.deepEqual(parseCniArgs('IgnoreUnknown=1;K8S_POD_NAME=web-0;K8S_POD_NAME=web-1'), [
      ['IgnoreUnknown', '1'],
      ['K8S_POD_NAME', 'web-0'],
      ['K8S_POD_NAME', 'web-1'],
    ]);
    assert.deepEqual(parseCniArgs('k=v w'), [['k', 'v w']]);
  });
  it("rejects every malformed pair with upstream's message, quoting as Go's %q", () => {
    failsWith(() => parseCniArgs('K'), 'invalid CNI_ARGS pair "K"');
    failsWith(() => parseCniArgs('K='), 'invalid CNI_ARGS pair "K="');
    failsWith(() => parseCniArgs('=V'), 'invalid CNI_ARGS pair "=V"');
    failsWith(() => parseCniArgs('A=1;B=2=3'), 'invalid CNI_ARGS pair "B=2=3"');
    failsWith(() => parseCniArgs('A=1;'), 'invalid CNI_ARGS pair ""');
    failsWith(() => parseCniArgs(';'), 'invalid CNI_ARGS pair ""');
    failsWith(() => parseCniArgs('A=1;\tB\n'), 'invalid CNI_ARGS pair "\\tB\\n"');
    failsWith(() => parseCniArgs('x\u0000'), 'invalid CNI_ARGS pair "x\\x00"');
  });
});

describe('formatCniArgs', () => {
  it('joins pairs without escaping, as libcni does', () => {
    assert.equal(formatCniArgs([]), '');
    assert.equal(
      formatCniArgs([
        ['KEY1', 'VALUE1'],
        ['KEY2', 'VALUE2'],
      ]),
      'KEY1=VALUE1;KEY2=VALUE2',
    );
    assert.equal(formatCniArgs([['K', '']]), 'K=');
  });
  it('refuses pairs that could not be read back or that no environment can hold', () => {
    failsWith(() => formatCniArgs([['', 'v']]), 'invalid CNI_ARGS pair "=v"');
    failsWith(() => formatCniArgs([['a=b', 'v']]), 'invalid CNI_ARGS pair "a=b=v"');
    failsWith(() => formatCniArgs([['a', 'v;B=2']]), 'invalid CNI_ARGS pair "a=v;B=2"');
    failsWith(() => formatCniArgs([['a', 'v\u0000']]), 'invalid CNI_ARGS pair "a=v\\x00"');
  });
  it('parse(format(pairs)) = pairs for every valid list', () => {
    const part = fc.string({ unit: 'binary', minLength: 1 }).filter((s) => !/[=;\0]/.test(s));
    fc.assert(
      fc.property(fc.array(fc.tuple(part, part), { maxLength: 6 }), (pairs) => {
        assert.deepEqual(parseCniArgs(formatCniArgs(pairs)), pairs);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('parseKnownArgs (pkg/types LoadArgs rules)', () => {
  const known = ['K8S_POD_NAME', 'K8S_POD_NAMESPACE'] as const;
  it('keeps known keys (last value wins) and allows empty values', () => {
    const args = parseKnownArgs('K8S_POD_NAME=a;K8S_POD_NAMESPACE=;K8S_POD_NAME=b', known);
    assert.deepEqual(
      [...args],
      [
        ['K8S_POD_NAME', 'b'],
        ['K8S_POD_NAMESPACE', ''],
      ],
    );
    assert.equal(parseKnownArgs('', known).size, 0);
  });
  it('fails on unknown keys, listing every unknown pair as Go prints a []string with %q', () => {
    failsWith(() => parseKnownArgs('A=1;K8S_POD_NAME=x;B=2', known), 'ARGS: unknown args ["A=1" "B=2"]');
    failsWith(() => parseKnownArgs('k8s_pod_name=x', known), 'ARGS: unknown args ["k8s_pod_name=x"]');
  });
  it('ignores unknown keys when IgnoreUnknown is 1 or true in any case, wherever it appears', () => {
    for (const v of ['1', 'true', 'TRUE', 'True']) {
      assert.deepEqual([...parseKnownArgs(`A=1;IgnoreUnknown=${v};K8S_POD_NAME=x`, known)], [['K8S_POD_NAME', 'x']]);
    }
    failsWith(() => parseKnownArgs('A=1;IgnoreUnknown=0', known), 'ARGS: unknown args ["A=1"]');
    failsWith(() => parseKnownArgs('IgnoreUnknown=1;A=1;IgnoreUnknown=false', known), 'ARGS: unknown args ["A=1"]');
  });
  it("rejects a bad IgnoreUnknown value and malformed pairs with LoadArgs' messages", () => {
    failsWith(
      () => parseKnownArgs('IgnoreUnknown=Yes', known),
      'ARGS: error parsing value of pair "IgnoreUnknown=Yes": boolean unmarshal error: invalid input yes',
    );
    failsWith(() => parseKnownArgs('A', known), 'ARGS: invalid pair "A"');
    failsWith(() => parseKnownArgs('A=1=2', known), 'ARGS: invalid pair "A=1=2"');
    failsWith(() => parseKnownArgs('K8S_POD_NAME=a;', known), 'ARGS: invalid pair ""');
  });
  it('never treats prototype names as known', () => {
    failsWith(
      () => parseKnownArgs('constructor=x;__proto__=y', known),
      'ARGS: unknown args ["constructor=x" "__proto__=y"]',
    );
  });
});

describe('hostile CNI_ARGS (messages stay small, whatever the input)', () => {
  const MIB = 1 << 20;
  const cut = (s: string): string => `"${s.slice(0, 256)}"... (${s.length} chars)`;
  it('quotes at most 256 characters of a huge bad pair, saying how long it was', () => {
    const pair = `K=${'v'.repeat(MIB)}=x`;
    failsWith(() => parseCniArgs(pair), `invalid CNI_ARGS pair ${cut(pair)}`);
    failsWith(() => parseKnownArgs(pair, []), `ARGS: invalid pair ${cut(pair)}`);
    failsWith(
      () => formatCniArgs([['K', `${'v'.repeat(MIB)};`]]),
      `invalid CNI_ARGS pair ${cut(`K=${'v'.repeat(MIB)};`)}`,
    );
  });
  it('cuts a huge IgnoreUnknown value in both places it is named', () => {
    const value = '1'.repeat(MIB);
    const msg = `ARGS: error parsing value of pair ${cut(`IgnoreUnknown=${value}`)}: boolean unmarshal error: invalid input ${value.slice(0, 256)}... (${MIB} chars)`;
    failsWith(() => parseKnownArgs(`IgnoreUnknown=${value}`, []), msg);
  });
  it('names a few thousand characters of a huge unknown-args list, then how many more there were', () => {
    const e = (() => {
      try {
        parseKnownArgs('a=b;'.repeat(100_000).slice(0, -1), []);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    assert.ok(CNIError.is(e) && e.code === 4);
    assert.ok(e.msg.length < 16 * 1024, `message of ${e.msg.length} chars`);
    const m = /^ARGS: unknown args \[("a=b" )+"a=b" \.\.\. \((\d+) more\)\]$/.exec(e.msg);
    assert.ok(m, e.msg.slice(0, 100));
    const shown = (e.msg.match(/"a=b"/g) ?? []).length;
    assert.equal(shown + Number(m[2]), 100_000);
  });
  it("keeps upstream's text whole for pairs of up to 256 characters", () => {
    const pair = `${'k'.repeat(254)}=`;
    failsWith(() => parseCniArgs(pair), `invalid CNI_ARGS pair "${pair}"`);
    const unknown = Array.from({ length: 20 }, (_, i) => `${'k'.repeat(250)}${i}=v`);
    failsWith(
      () => parseKnownArgs(unknown.join(';'), []),
      `ARGS: unknown args [${unknown.map((u) => `"${u}"`).join(' ')}]`,
    );
  });
});

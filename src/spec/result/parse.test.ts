import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNIError } from '../errors.ts';
import type { Result100 } from '../types.ts';
import { parseResult } from './parse.ts';

function failsWith(input: unknown, code: number, msg: string, opts = {}): void {
  assert.throws(
    () => parseResult(input, opts),
    (e: unknown) => {
      assert.ok(CNIError.is(e), `not a CNIError: ${String(e)}`);
      assert.equal(e.msg, msg);
      assert.equal(e.code, code);
      return true;
    },
  );
}

const V1 = (extra: object) => JSON.stringify({ cniVersion: '1.0.0', ...extra });

describe('parseResult: which version', () => {
  it('reads a missing or empty cniVersion as 0.1.0, as libcni does', () => {
    assert.deepEqual(parseResult('{"ip4":{"ip":"10.0.0.2/8"}}'), { cniVersion: '0.1.0', ip4: { ip: '10.0.0.2/8' } });
    assert.deepEqual(parseResult('{"cniVersion":""}'), { cniVersion: '0.1.0' });
  });
  it("uses the config's version when the result names none (fixupResultVersion), never over the result's own", () => {
    const noVersion = '{"ips":[{"address":"10.0.0.2/8"}]}';
    assert.deepEqual(parseResult(noVersion, { version: '0.4.0' }), {
      cniVersion: '0.4.0',
      ips: [{ version: '4', address: '10.0.0.2/8' }],
    });
    assert.equal(parseResult(V1({}), { version: '0.4.0' }).cniVersion, '1.0.0');
    assert.equal(parseResult('{"cniVersion":7}', { version: '1.1.0' }).cniVersion, '1.1.0');
  });
  it('rejects a non-string cniVersion when there is no config version to fall back on', () => {
    failsWith('{"cniVersion":7}', 6, 'decoding version from network config: cniVersion: expected a string');
  });
  it('rejects unknown versions with code 1 and upstream wording', () => {
    failsWith('{"cniVersion":"0.5.0"}', 1, 'unsupported CNI result version "0.5.0"');
    failsWith('{"cniVersion":"1.0"}', 1, 'unsupported CNI result version "1.0"');
    failsWith('{"cniVersion":"1.0.0\\n"}', 1, 'unsupported CNI result version "1.0.0\\n"');
    failsWith('{}', 1, 'unsupported CNI result version "9.9.9"', { version: '9.9.9' });
  });
  it('keeps only the chosen family: 0.x keys in a 1.x result are dropped like any unknown key', () => {
    assert.deepEqual(parseResult(V1({ ip4: { ip: '10.0.0.2/8' }, extra: [1] })), { cniVersion: '1.0.0' });
  });
});

describe('parseResult: input forms and JSON errors', () => {
  const text = V1({ ips: [{ address: '10.0.0.2/8' }] });
  const expected: Result100 = { cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/8' }] };
  it('accepts text, bytes and an already-parsed value', () => {
    assert.deepEqual(parseResult(text), expected);
    assert.deepEqual(parseResult(new TextEncoder().encode(text)), expected);
    assert.deepEqual(parseResult(Buffer.from(text)), expected);
    assert.deepEqual(parseResult(JSON.parse(text)), expected);
  });
  it("reports empty output with Go's exact wording (an ADD that printed nothing)", () => {
    failsWith('', 6, 'decoding version from network config: unexpected end of JSON input');
    failsWith(new Uint8Array(0), 6, 'decoding version from network config: unexpected end of JSON input');
    failsWith(' \n', 6, 'decoding version from network config: unexpected end of JSON input');
  });
  it('reports malformed JSON as code 6 with the decoding prefix', () => {
    for (const bad of ['{', '{"cniVersion":"1.0.0",}', 'garbage', '{"a":"\u0000"}', '\u0000']) {
      assert.throws(
        () => parseResult(bad),
        (e: unknown) => CNIError.is(e) && e.code === 6 && e.msg.startsWith('decoding version from network config: '),
      );
    }
  });
  it('rejects JSON that is not an object; null reads as an empty legacy result, as Go decodes it', () => {
    for (const bad of ['[]', '"1.0.0"', '42', 'true']) {
      failsWith(bad, 6, 'decoding version from network config: expected a JSON object');
    }
    failsWith(42, 6, 'decoding version from network config: expected a JSON object');
    assert.deepEqual(parseResult('null'), { cniVersion: '0.1.0' });
  });
});

describe('parseResult: wrong types name the field', () => {
  const cases: [string, string][] = [
    [V1({ ips: [{ address: 5 }] }), 'ips[0].address: expected a string'],
    [V1({ ips: {} }), 'ips: expected an array'],
    [V1({ ips: [null] }), 'ips[0]: expected an object'],
    [V1({ ips: [{}] }), 'ips[0].address: missing'],
    [V1({ ips: [{ address: '10.0.0.1' }] }), 'ips[0].address: invalid CIDR address: 10.0.0.1'],
    [V1({ ips: [{ address: '10.0.0.1/33' }] }), 'ips[0].address: invalid CIDR address: 10.0.0.1/33'],
    [V1({ ips: [{ address: '1.2.3.4/8', gateway: '1.2.3.x' }] }), 'ips[0].gateway: invalid IP address: 1.2.3.x'],
    [V1({ ips: [{ address: '1.2.3.4/8', interface: '0' }] }), 'ips[0].interface: expected an integer'],
    [V1({ ips: [{ address: '1.2.3.4/8', interface: 1.5 }] }), 'ips[0].interface: expected an integer'],
    [V1({ ips: [{ address: '1.2.3.4/8', interface: -1 }] }), 'ips[0].interface: expected an integer >= 0'],
    [V1({ interfaces: [{ name: 5 }] }), 'interfaces[0].name: expected a string'],
    [V1({ interfaces: [{ name: 'e', mtu: '1500' }] }), 'interfaces[0].mtu: expected an integer'],
    [V1({ interfaces: [{ name: 'e', pciID: false }] }), 'interfaces[0].pciID: expected a string'],
    [V1({ routes: [{ dst: '::/0' }, { gw: '::1' }] }), 'routes[1].dst: missing'],
    [V1({ routes: [{ dst: '::/0', table: 'main' }] }), 'routes[0].table: expected an integer'],
    [V1({ dns: [] }), 'dns: expected an object'],
    [V1({ dns: { nameservers: '1.1.1.1' } }), 'dns.nameservers: expected an array'],
    [V1({ dns: { search: ['a', 1] } }), 'dns.search[1]: expected a string'],
    [V1({ dns: { domain: ['a'] } }), 'dns.domain: expected a string'],
    ['{"cniVersion":"0.4.0","ips":[{"version":"5","address":"10.0.0.1/8"}]}', 'ips[0].version: expected "4" or "6"'],
    ['{"cniVersion":"0.3.1","ips":[{"version":4,"address":"10.0.0.1/8"}]}', 'ips[0].version: expected a string'],
    ['{"cniVersion":"0.3.0","routes":[{"dst":"0.0.0.0/0","gw":7}]}', 'routes[0].gw: expected a string'],
    ['{"cniVersion":"0.2.0","ip4":"10.0.0.1/8"}', 'ip4: expected an object'],
    [
      '{"cniVersion":"0.2.0","ip6":{"ip":"fd00::1/64","routes":[{"dst":"::/0","gw":"x"}]}}',
      'ip6.routes[0].gw: invalid IP address: x',
    ],
    ['{"cniVersion":"0.1.0","ip4":{"ip":"fd00::1"}}', 'ip4.ip: invalid CIDR address: fd00::1'],
  ];
  for (const [input, msg] of cases) it(msg, () => failsWith(input, 6, msg));

  it('rejects numbers a Go int cannot hold exactly', () => {
    const huge = '{"cniVersion":"1.1.0","routes":[{"dst":"::/0","mtu":1e400}]}';
    failsWith(huge, 6, 'routes[0].mtu: expected an integer');
    failsWith(V1({ interfaces: [{ name: 'e', mtu: 2 ** 53 }] }), 6, 'interfaces[0].mtu: expected an integer');
    failsWith(
      '{"cniVersion":"1.0.0","ips":[{"address":"::/0","interface":9007199254740993}]}',
      6,
      'ips[0].interface: expected an integer',
    );
  });
});

describe("parseResult: Go's leniencies", () => {
  it('treats null, "" and empty lists as absent, drops zero mtu/advmss/priority, keeps table/scope 0', () => {
    const r = parseResult(
      V1({
        interfaces: [{ name: null, mac: '', mtu: 0, sandbox: null }],
        ips: [{ address: '10.0.0.2/8', gateway: '', interface: null }],
        routes: [{ dst: '0.0.0.0/0', gw: null, mtu: 0, advmss: 0, priority: 0, table: 0, scope: 0 }],
        dns: { nameservers: [], domain: '', search: null },
      }),
    );
    assert.deepEqual(r, {
      cniVersion: '1.0.0',
      interfaces: [{ name: '' }],
      ips: [{ address: '10.0.0.2/8' }],
      routes: [{ dst: '0.0.0.0/0', table: 0, scope: 0 }],
    });
    assert.deepEqual(parseResult(V1({ interfaces: [], ips: [], routes: [], dns: null })), { cniVersion: '1.0.0' });
  });
  it('derives a missing 0.x `version` from the address, and keeps the host bits of CIDRs', () => {
    const r = parseResult(
      '{"cniVersion":"0.4.0","ips":[{"address":"fd00::5/64"},{"version":"","address":"10.1.2.3/8"}]}',
    );
    assert.deepEqual(r, {
      cniVersion: '0.4.0',
      ips: [
        { version: '6', address: 'fd00::5/64' },
        { version: '4', address: '10.1.2.3/8' },
      ],
    });
  });
});

describe('parseResult: hostile input', () => {
  it('never touches Object.prototype and never reads inherited or prototype keys', () => {
    const text =
      '{"cniVersion":"1.0.0","__proto__":{"polluted":1,"cniVersion":"0.2.0"},"constructor":{"prototype":{"x":1}},' +
      '"interfaces":[{"name":"e","__proto__":{"isAdmin":true}}],"dns":{"__proto__":{"nameservers":["6.6.6.6"]}}}';
    const r = parseResult(text);
    assert.deepEqual(r, { cniVersion: '1.0.0', interfaces: [{ name: 'e' }] });
    assert.equal(Object.getPrototypeOf(r), Object.prototype);
    const probe: Record<string, unknown> = {};
    assert.equal(probe.polluted, undefined);
    assert.equal(probe.isAdmin, undefined);
    assert.equal(probe.x, undefined);
    assert.equal(Object.hasOwn(r, '__proto__'), false);
    const inherited = Object.create({ cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/8' }] }) as object;
    assert.deepEqual(parseResult(inherited), { cniVersion: '0.1.0' });
  });
  it('keeps error messages short for oversized values', () => {
    const big = `${'9'.repeat(1_000_000)}/8`;
    assert.throws(
      () => parseResult(V1({ ips: [{ address: big }] })),
      (e: unknown) =>
        CNIError.is(e) && e.msg.startsWith('ips[0].address: invalid CIDR address: 999') && e.msg.length < 400,
    );
    const longVersion = 'v'.repeat(100_000);
    assert.throws(
      () => parseResult({ cniVersion: longVersion }),
      (e: unknown) => CNIError.is(e) && e.code === 1 && e.msg.length < 400,
    );
  });
  it('keeps NUL and non-ASCII text where the spec has free text, and rejects it in addresses', () => {
    const r = parseResult(V1({ interfaces: [{ name: 'e\u0000th0', sandbox: '/run/netns/café' }] }));
    assert.deepEqual(r, { cniVersion: '1.0.0', interfaces: [{ name: 'e\u0000th0', sandbox: '/run/netns/café' }] });
    failsWith(
      V1({ ips: [{ address: '10.0.0.2\u0000/8' }] }),
      6,
      'ips[0].address: invalid CIDR address: 10.0.0.2\u0000/8',
    );
    failsWith(V1({ ips: [{ address: '１０.0.0.2/8' }] }), 6, 'ips[0].address: invalid CIDR address: １０.0.0.2/8');
  });
  it('parses a large result in linear time', () => {
    const ips = Array.from({ length: 20_000 }, (_, i) => ({ address: `10.${(i >> 8) & 255}.${i & 255}.1/16` }));
    const start = performance.now();
    const r = parseResult(V1({ ips }));
    assert.equal(r.cniVersion === '1.0.0' ? r.ips?.length : 0, 20_000);
    assert.ok(performance.now() - start < 2000);
  });
});

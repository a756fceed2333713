// Printed results compared byte for byte with what upstream's pkg/types (HEAD 3f51e88, built with Go 1.19)
// printed for the same input: 0.x in struct order with `dns: {}`, 1.x key-sorted without an empty dns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Result020, Result040, Result100 } from '../types.ts';
import { convertResult } from './convert.ts';
import { parseResult } from './parse.ts';
import { goIndentJson, printResult, resultToJSON } from './to-json.ts';

const R100: Result100 = {
  cniVersion: '1.1.0',
  interfaces: [
    { name: 'eth0', mac: '0a:58:0a:16:00:05', mtu: 1450, sandbox: '/var/run/netns/a&b', pciID: '0000:3b:00.2' },
  ],
  ips: [{ interface: 0, address: '10.22.0.5/16', gateway: '10.22.0.1' }],
  routes: [{ dst: '0.0.0.0/0', gw: '10.22.0.1', table: 0 }],
};

const GO_100 = `{
    "cniVersion": "1.1.0",
    "interfaces": [
        {
            "mac": "0a:58:0a:16:00:05",
            "mtu": 1450,
            "name": "eth0",
            "pciID": "0000:3b:00.2",
            "sandbox": "/var/run/netns/a\\u0026b"
        }
    ],
    "ips": [
        {
            "address": "10.22.0.5/16",
            "gateway": "10.22.0.1",
            "interface": 0
        }
    ],
    "routes": [
        {
            "dst": "0.0.0.0/0",
            "gw": "10.22.0.1",
            "table": 0
        }
    ]
}`;

const GO_020 = `{
    "cniVersion": "0.2.0",
    "ip4": {
        "ip": "10.22.0.5/16",
        "gateway": "10.22.0.1",
        "routes": [
            {
                "dst": "0.0.0.0/0",
                "gw": "10.22.0.1"
            }
        ]
    },
    "dns": {}
}`;

const R040: Result040 = {
  cniVersion: '0.4.0',
  ips: [{ version: '6', interface: 0, address: 'fd00::5/64' }],
  routes: [{ dst: '::/0' }],
};
const GO_040 = `{
    "cniVersion": "0.4.0",
    "ips": [
        {
            "version": "6",
            "interface": 0,
            "address": "fd00::5/64"
        }
    ],
    "routes": [
        {
            "dst": "::/0"
        }
    ],
    "dns": {}
}`;

describe('printResult', () => {
  it('prints a 1.1.0 result exactly as Go does (sorted keys, HTML-escaped, no dns, no trailing newline)', () => {
    assert.equal(printResult(R100), GO_100);
  });
  it('prints a 0.4.0 result exactly as Go does (field order, interface index 0 kept, dns {})', () => {
    assert.equal(printResult(R040), GO_040);
  });
  it('prints a 0.2.0 conversion exactly as Go does', () => {
    assert.equal(printResult(convertResult(R100, '0.2.0')), GO_020);
  });
  it('round-trips the printed text', () => {
    for (const r of [R100, R040]) assert.deepEqual(parseResult(printResult(r)), r);
  });
});

describe('resultToJSON', () => {
  it('always has dns in 0.x and only a non-empty dns in 1.x', () => {
    const r020: Result020 = { cniVersion: '0.1.0' };
    assert.deepEqual(resultToJSON(r020), { cniVersion: '0.1.0', dns: {} });
    assert.deepEqual(resultToJSON({ cniVersion: '1.0.0', dns: { nameservers: [] } }), { cniVersion: '1.0.0' });
    assert.deepEqual(resultToJSON({ cniVersion: '1.0.0', dns: { domain: 'x' } }), {
      cniVersion: '1.0.0',
      dns: { domain: 'x' },
    });
  });
  it("applies Go's omitempty to values built by hand (empty strings, empty lists, zero mtu)", () => {
    const r: Result100 = {
      cniVersion: '1.0.0',
      interfaces: [{ name: '', mac: '', mtu: 0 }],
      ips: [],
      routes: [{ dst: '10.0.0.0/8', gw: '', mtu: 0, advmss: 0, priority: 0, scope: 0 }],
    };
    assert.deepEqual(resultToJSON(r), {
      cniVersion: '1.0.0',
      interfaces: [{ name: '' }],
      routes: [{ dst: '10.0.0.0/8', scope: 0 }],
    });
  });
  it('never writes 1.x-only fields into a 0.x result, even if the object carries them', () => {
    const sneaky = {
      cniVersion: '0.4.0',
      routes: [{ dst: '::/0', mtu: 9000 }],
      interfaces: [{ name: 'e', pciID: 'p' }],
    };
    assert.deepEqual(resultToJSON(sneaky as Result040), {
      cniVersion: '0.4.0',
      interfaces: [{ name: 'e' }],
      routes: [{ dst: '::/0' }],
      dns: {},
    });
  });
});

describe('goIndentJson', () => {
  it("escapes <, >, &, U+2028 and U+2029 as Go's encoder does", () => {
    assert.equal(goIndentJson({ a: '<b>&\u2028\u2029' }), '{\n    "a": "\\u003cb\\u003e\\u0026\\u2028\\u2029"\n}');
  });
});

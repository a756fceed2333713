// The whole 7x7 conversion matrix over a realistic dual-stack, multi-interface attachment, with the expected
// result of every edge written out by hand so each rule (what is kept, what is lost) is asserted explicitly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNIError } from '../errors.ts';
import type { Result, Result020, Result040, Result100 } from '../types.ts';
import { SUPPORTED_VERSIONS } from '../version.ts';
import { convertResult } from './convert.ts';
import { resultFamily } from './family.ts';

const DNS = {
  nameservers: ['10.96.0.10', 'fd00:96::a'],
  domain: 'svc.cluster.local',
  search: ['default.svc.cluster.local', 'cluster.local'],
  options: ['ndots:5'],
} as const;

// A bridge + macvlan pod: host veth, container eth0 (dual-stack), container net1 (dual-stack, listed v6 first).
const RICH_100: Result100 = {
  cniVersion: '1.1.0',
  interfaces: [
    { name: 'veth1a2b3c4d', mac: '6e:1f:00:aa:bb:01', mtu: 1450 },
    { name: 'eth0', mac: '0a:58:0a:16:00:05', mtu: 1450, sandbox: '/var/run/netns/cni-1234' },
    {
      name: 'net1',
      mac: '0a:58:c0:a8:05:07',
      sandbox: '/var/run/netns/cni-1234',
      socketPath: '/run/vhost.sock',
      pciID: '0000:3b:00.2',
    },
  ],
  ips: [
    { interface: 1, address: '10.22.0.5/16', gateway: '10.22.0.1' },
    { interface: 1, address: 'fd00:10:22::5/64', gateway: 'fd00:10:22::1' },
    { interface: 2, address: '2001:db8:5::7/64' },
    { interface: 2, address: '192.168.5.7/24', gateway: '192.168.5.1' },
  ],
  routes: [
    { dst: '0.0.0.0/0', gw: '10.22.0.1', mtu: 1400, table: 100, scope: 0 },
    { dst: '::/0', gw: 'fd00:10:22::1', priority: 10 },
    { dst: '192.168.0.0/16', gw: '192.168.5.1', advmss: 1360 },
    { dst: '2001:db8::/32' },
  ],
  dns: DNS,
};

const PLAIN_INTERFACES = [
  { name: 'veth1a2b3c4d', mac: '6e:1f:00:aa:bb:01' },
  { name: 'eth0', mac: '0a:58:0a:16:00:05', sandbox: '/var/run/netns/cni-1234' },
  { name: 'net1', mac: '0a:58:c0:a8:05:07', sandbox: '/var/run/netns/cni-1234' },
];
const PLAIN_ROUTES = [
  { dst: '0.0.0.0/0', gw: '10.22.0.1' },
  { dst: '::/0', gw: 'fd00:10:22::1' },
  { dst: '192.168.0.0/16', gw: '192.168.5.1' },
  { dst: '2001:db8::/32' },
];

const RICH_040: Result040 = {
  cniVersion: '0.4.0',
  interfaces: PLAIN_INTERFACES,
  ips: [
    { version: '4', interface: 1, address: '10.22.0.5/16', gateway: '10.22.0.1' },
    { version: '6', interface: 1, address: 'fd00:10:22::5/64', gateway: 'fd00:10:22::1' },
    { version: '6', interface: 2, address: '2001:db8:5::7/64' },
    { version: '4', interface: 2, address: '192.168.5.7/24', gateway: '192.168.5.1' },
  ],
  routes: PLAIN_ROUTES,
  dns: DNS,
};

// 0.2.0 keeps the first IPv4 and first IPv6 address; every route follows its dst's family.
const FROM_RICH_TO_020: Result020 = {
  cniVersion: '0.2.0',
  ip4: {
    ip: '10.22.0.5/16',
    gateway: '10.22.0.1',
    routes: [
      { dst: '0.0.0.0/0', gw: '10.22.0.1' },
      { dst: '192.168.0.0/16', gw: '192.168.5.1' },
    ],
  },
  ip6: {
    ip: 'fd00:10:22::5/64',
    gateway: 'fd00:10:22::1',
    routes: [{ dst: '::/0', gw: 'fd00:10:22::1' }, { dst: '2001:db8::/32' }],
  },
  dns: DNS,
};

// Going up from 0.2.0: ip4 then ip6, their routes concatenated in that order, no interfaces.
const FROM_020_TO_040: Result040 = {
  cniVersion: '0.4.0',
  ips: [
    { version: '4', address: '10.22.0.5/16', gateway: '10.22.0.1' },
    { version: '6', address: 'fd00:10:22::5/64', gateway: 'fd00:10:22::1' },
  ],
  routes: [
    { dst: '0.0.0.0/0', gw: '10.22.0.1' },
    { dst: '192.168.0.0/16', gw: '192.168.5.1' },
    { dst: '::/0', gw: 'fd00:10:22::1' },
    { dst: '2001:db8::/32' },
  ],
  dns: DNS,
};
const FROM_020_TO_100: Result100 = {
  cniVersion: '1.0.0',
  ips: [
    { address: '10.22.0.5/16', gateway: '10.22.0.1' },
    { address: 'fd00:10:22::5/64', gateway: 'fd00:10:22::1' },
  ],
  routes: FROM_020_TO_040.routes ?? [],
  dns: DNS,
};
// Going up from 0.4.0: `version` goes; nothing 1.x-only can be invented.
const FROM_040_TO_100: Result100 = {
  cniVersion: '1.0.0',
  interfaces: PLAIN_INTERFACES,
  ips: (RICH_100.ips ?? []).map((ip) => ({ ...ip })),
  routes: PLAIN_ROUTES,
  dns: DNS,
};

type Family = '020' | '040' | '100';
const SOURCE: Record<Family, Result> = { '020': FROM_RICH_TO_020, '040': RICH_040, '100': RICH_100 };
const EXPECTED: Record<Family, Record<Family, Result>> = {
  '020': { '020': FROM_RICH_TO_020, '040': FROM_020_TO_040, '100': FROM_020_TO_100 },
  '040': { '020': FROM_RICH_TO_020, '040': RICH_040, '100': FROM_040_TO_100 },
  '100': { '020': FROM_RICH_TO_020, '040': RICH_040, '100': RICH_100 },
};

function familyOf(v: string): Family {
  const f = resultFamily(v);
  assert.ok(f !== undefined, v);
  return f;
}

function stamped(r: Result, v: string): Result {
  return { ...r, cniVersion: v } as Result;
}

describe('convertResult: the 7x7 matrix', () => {
  for (const from of SUPPORTED_VERSIONS) {
    for (const to of SUPPORTED_VERSIONS) {
      it(`${from} -> ${to}`, () => {
        const source = stamped(SOURCE[familyOf(from)], from);
        const expected = stamped(EXPECTED[familyOf(from)][familyOf(to)], to);
        const before = structuredClone(source);
        const out = convertResult(source, to);
        assert.deepEqual(out, expected);
        assert.equal(out.cniVersion, to);
        assert.deepEqual(source, before, 'the input is not modified');
        if (from === to) assert.equal(out, source, 'same version returns the same object');
      });
    }
  }
});

describe('convertResult: edge rules', () => {
  it('1.x -> 0.x computes `version` from the address family (IPv4-mapped IPv6 counts as 4, as Go To4 does)', () => {
    const r: Result100 = { cniVersion: '1.0.0', ips: [{ address: '::ffff:10.1.2.3/120' }, { address: '::1/128' }] };
    const out = convertResult(r, '0.3.1');
    assert.deepEqual(out, {
      cniVersion: '0.3.1',
      ips: [
        { version: '4', address: '::ffff:10.1.2.3/120' },
        { version: '6', address: '::1/128' },
      ],
    });
  });

  it('0.x -> 0.2.0 trusts `version` and drops routes of a family that has no address', () => {
    const r: Result040 = {
      cniVersion: '0.3.0',
      ips: [{ version: '6', address: 'fd00::2/64' }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }, { dst: 'fd01::/64' }],
    };
    assert.deepEqual(convertResult(r, '0.1.0'), {
      cniVersion: '0.1.0',
      ip6: { ip: 'fd00::2/64', routes: [{ dst: 'fd01::/64' }] },
    });
  });

  for (const from of ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const) {
    for (const to of ['0.1.0', '0.2.0']) {
      it(`${from} -> ${to} with no IP address fails with upstream's message`, () => {
        const r = stamped({ cniVersion: '1.0.0', interfaces: [{ name: 'eth0' }], dns: DNS }, from);
        assert.throws(
          () => convertResult(r, to),
          (e: unknown) => CNIError.is(e) && e.code === 1 && e.message === 'cannot convert: no valid IP addresses',
        );
      });
    }
  }

  it('within the 0.1.0/0.2.0 family an empty result converts (upstream only checks when leaving 0.3+)', () => {
    assert.deepEqual(convertResult({ cniVersion: '0.2.0' }, '0.1.0'), { cniVersion: '0.1.0' });
  });

  it("'' means 0.1.0 as target", () => {
    assert.equal(convertResult(RICH_100, '').cniVersion, '0.1.0');
  });

  it('unknown target or source versions fail with code 1 and upstream wording', () => {
    assert.throws(
      () => convertResult(RICH_100, '2.0.0'),
      (e: unknown) => CNIError.is(e) && e.code === 1 && e.msg === 'no converter for CNI result version 1.1.0 to 2.0.0',
    );
    const bogus = { cniVersion: '0.9.9' } as unknown as Result;
    assert.throws(() => convertResult(bogus, '1.0.0'), /no converter for CNI result version 0\.9\.9 to 1\.0\.0/);
  });

  it('an empty dns and empty lists do not appear after conversion', () => {
    const r: Result100 = { cniVersion: '1.1.0', ips: [{ address: '10.0.0.2/8' }], routes: [], dns: { search: [] } };
    assert.deepEqual(convertResult(r, '0.4.0'), {
      cniVersion: '0.4.0',
      ips: [{ version: '4', address: '10.0.0.2/8' }],
    });
  });
});

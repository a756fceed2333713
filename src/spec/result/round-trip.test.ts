// Laws of parse, print and convert, checked with fast-check over generated valid results and hostile input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CNIError } from '../errors.ts';
import { ipFamilyOf, parseIp } from '../ip-address.ts';
import type {
  DNS,
  Interface100,
  IPConfig020,
  IPConfig100,
  Result,
  Result020,
  Result040,
  Result100,
  Route040,
  Route100,
} from '../types.ts';
import { SUPPORTED_VERSIONS } from '../version.ts';
import { convertResult } from './convert.ts';
import { parseResult } from './parse.ts';
import { printResult } from './to-json.ts';

const RUNS = { seed: 42, numRuns: 300 } as const;

const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
const list = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 1, maxLength: 4 });
const v4 = fc.ipV4();
const v6 = fc.ipV6().filter((a) => parseIp(a)?.family === 6);
const anyIp = fc.oneof(v4, fc.ipV6());
const cidr4 = fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`);
const cidr6 = fc.tuple(v6, fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`);
const anyCidr = fc.oneof(
  cidr4,
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`),
);
const nonZero = fc.integer({ min: -100, max: 65535 }).filter((n) => n !== 0);

const dns: fc.Arbitrary<DNS> = fc
  .record(
    { nameservers: list(anyIp), domain: text, search: list(text), options: list(text) },
    { requiredKeys: [], noNullPrototype: true },
  )
  .filter((d) => Object.keys(d).length > 0);

const route040 = (dst: fc.Arbitrary<string>): fc.Arbitrary<Route040> =>
  fc.record({ dst, gw: anyIp }, { requiredKeys: ['dst'], noNullPrototype: true });
const route100: fc.Arbitrary<Route100> = fc.record(
  {
    dst: anyCidr,
    gw: anyIp,
    mtu: nonZero,
    advmss: nonZero,
    priority: nonZero,
    table: fc.integer({ min: 0, max: 1 << 30 }),
    scope: fc.integer({ min: 0, max: 255 }),
  },
  { requiredKeys: ['dst'], noNullPrototype: true },
);
const iface100: fc.Arbitrary<Interface100> = fc.record(
  { name: fc.string({ unit: 'binary' }), mac: text, mtu: nonZero, sandbox: text, socketPath: text, pciID: text },
  { requiredKeys: ['name'], noNullPrototype: true },
);
const ip100: fc.Arbitrary<IPConfig100> = fc.record(
  { interface: fc.nat({ max: 8 }), address: anyCidr, gateway: anyIp },
  { requiredKeys: ['address'], noNullPrototype: true },
);

const result100: fc.Arbitrary<Result100> = fc.record(
  {
    cniVersion: fc.constantFrom('1.0.0' as const, '1.1.0' as const),
    interfaces: list(iface100),
    ips: list(ip100),
    routes: list(route100),
    dns,
  },
  { requiredKeys: ['cniVersion'], noNullPrototype: true },
);

// Valid 0.3/0.4 results: `version` agrees with the address, as every real plugin writes it.
const result040: fc.Arbitrary<Result040> = fc.record(
  {
    cniVersion: fc.constantFrom('0.3.0' as const, '0.3.1' as const, '0.4.0' as const),
    interfaces: list(
      fc.record(
        { name: fc.string({ unit: 'binary' }), mac: text, sandbox: text },
        { requiredKeys: ['name'], noNullPrototype: true },
      ),
    ),
    ips: list(ip100.map((ip) => ({ version: ipFamilyOf(ip.address), ...ip }))),
    routes: list(route040(anyCidr)),
    dns,
  },
  { requiredKeys: ['cniVersion'], noNullPrototype: true },
);

// Valid 0.1/0.2 results: ip4 holds an IPv4 address and IPv4 routes, ip6 the IPv6 ones.
const ipc020 = (addr: fc.Arbitrary<string>, dst: fc.Arbitrary<string>): fc.Arbitrary<IPConfig020> =>
  fc.record({ ip: addr, gateway: anyIp, routes: list(route040(dst)) }, { requiredKeys: ['ip'], noNullPrototype: true });
const result020: fc.Arbitrary<Result020> = fc
  .record(
    {
      cniVersion: fc.constantFrom('0.1.0' as const, '0.2.0' as const),
      ip4: ipc020(cidr4, cidr4),
      ip6: ipc020(cidr6, cidr6),
      dns,
    },
    { requiredKeys: ['cniVersion'], noNullPrototype: true },
  )
  .filter((r) => r.ip4 !== undefined || r.ip6 !== undefined);

const anyResult: fc.Arbitrary<Result> = fc.oneof(result020, result040, result100);

describe('round trips', () => {
  it('parse(print(x)) = x for every family', () => {
    fc.assert(
      fc.property(anyResult, (r) => {
        assert.deepEqual(parseResult(printResult(r)), r);
      }),
      RUNS,
    );
  });

  it('1.0.0 -> 1.1.0 -> 1.0.0 is lossless', () => {
    fc.assert(
      fc.property(result100, (r) => {
        const x = convertResult(r, '1.0.0');
        assert.deepEqual(convertResult(convertResult(x, '1.1.0'), '1.0.0'), x);
      }),
      RUNS,
    );
  });

  it('0.3.x/0.4.0 -> 1.x -> back is lossless for valid results', () => {
    fc.assert(
      fc.property(result040, fc.constantFrom('1.0.0', '1.1.0'), (r, up) => {
        assert.deepEqual(convertResult(convertResult(r, up), r.cniVersion), r);
      }),
      RUNS,
    );
  });

  it('0.1.0/0.2.0 -> any newer version -> back is lossless for valid results', () => {
    fc.assert(
      fc.property(result020, fc.constantFrom('0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'), (r, up) => {
        assert.deepEqual(convertResult(convertResult(r, up), r.cniVersion), r);
      }),
      RUNS,
    );
  });

  it('any conversion yields a result that prints and parses back, or fails only for lack of an IP in 0.1/0.2', () => {
    fc.assert(
      fc.property(anyResult, fc.constantFrom(...SUPPORTED_VERSIONS), (r, to) => {
        let out: Result;
        try {
          out = convertResult(r, to);
        } catch (e) {
          assert.ok(CNIError.is(e) && e.msg === 'cannot convert: no valid IP addresses', String(e));
          assert.ok(to === '0.1.0' || to === '0.2.0');
          return;
        }
        assert.equal(out.cniVersion, to);
        assert.deepEqual(parseResult(printResult(out)), out);
      }),
      RUNS,
    );
  });
});

// Loosely shaped input: the right keys, usually with plausible values and sometimes with the wrong type.
const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(null), fc.constant(1e308), fc.constant(-1));
const mostly = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: a as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk });
const looseEntry = fc.record(
  {
    address: mostly(anyCidr),
    ip: mostly(anyCidr),
    dst: mostly(anyCidr),
    gateway: mostly(anyIp),
    gw: mostly(anyIp),
    version: mostly(fc.constantFrom('4', '6', '')),
    interface: mostly(fc.nat(4)),
    name: mostly(fc.string()),
    mtu: mostly(fc.integer()),
    table: mostly(fc.nat()),
    routes: mostly(fc.array(fc.record({ dst: mostly(anyCidr), gw: mostly(anyIp) }), { maxLength: 2 })),
    // Computed on purpose: a literal `__proto__:` key would set the prototype instead of adding a key.
    ['__proto__']: fc.constant({ polluted: true }),
  },
  { requiredKeys: [] },
);
const looseList = mostly(fc.array(mostly(looseEntry), { maxLength: 3 }));
const looseResult = fc.record(
  {
    cniVersion: mostly(fc.constantFrom(...SUPPORTED_VERSIONS, '', '2.0.0')),
    interfaces: looseList,
    ips: looseList,
    routes: looseList,
    dns: mostly(fc.record({ nameservers: mostly(fc.array(mostly(fc.string()))), domain: mostly(fc.string()) })),
    ip4: mostly(looseEntry),
    ip6: mostly(looseEntry),
    constructor: fc.constant({ prototype: { polluted: true } }),
  },
  { requiredKeys: [] },
);

describe('hostile input', () => {
  it('any loosely shaped JSON yields a Result or a CNIError, and a parsed Result is a fixed point', () => {
    fc.assert(
      fc.property(looseResult, (obj) => {
        let r: Result;
        try {
          r = parseResult(JSON.stringify(obj));
        } catch (e) {
          assert.ok(CNIError.is(e) && (e.code === 6 || e.code === 1), String(e));
          return;
        }
        assert.deepEqual(parseResult(printResult(r)), r);
      }),
      { seed: 42, numRuns: 1000 },
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('any byte string yields a Result or a CNIError, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          parseResult(bytes);
        } catch (e) {
          assert.ok(CNIError.is(e), String(e));
        }
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cidrContains, ipFamilyOf, parseCidr, parseIp } from './ip-address.ts';

describe('parseIp (Go net.ParseIP rules)', () => {
  it('accepts IPv4 and every IPv6 form, and reports the family Go To4() sees', () => {
    const valid: [string, 4 | 6][] = [
      ['0.0.0.0', 4],
      ['255.255.255.255', 4],
      ['::', 6],
      ['::1', 6],
      ['1::', 6],
      ['fe80::1', 6],
      ['2001:DB8:0:0:1:0:0:1', 6],
      ['1:2:3:4:5:6:7:8', 6],
      ['1:2:3:4:5:6:1.2.3.4', 6],
      ['::1.2.3.4', 6],
      ['::ffff:1.2.3.4', 4],
      ['::ffff:a01:203', 4],
      ['64:ff9b::192.0.2.33', 6],
    ];
    for (const [s, family] of valid) assert.equal(parseIp(s)?.family, family, s);
  });
  it('rejects what Go rejects', () => {
    const invalid = [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '0x1.2.3.4',
      ':::',
      ':1',
      '1:',
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7::8',
      '1:2:3:4:5:6:7:8::',
      'fe80::1%eth0',
      '1.2.3.4::',
      '1:2:3:4:5:6:7:1.2.3.4',
      '::ffff:1.2.3',
      '１.2.3.4',
    ];
    for (const s of invalid) assert.equal(parseIp(s), undefined, s);
  });
  it('accepts every address fast-check generates', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (s) => {
        assert.ok(parseIp(s) !== undefined, s);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe('parseCidr (Go net.ParseCIDR rules)', () => {
  it('keeps host bits and checks the prefix against the family', () => {
    assert.equal(parseCidr('10.1.2.3/8')?.prefix, 8);
    assert.equal(parseCidr('10.1.2.3/024')?.prefix, 24);
    assert.equal(parseCidr('::/128')?.prefix, 128);
    assert.equal(parseCidr('::ffff:1.2.3.4/120')?.family, 4);
    for (const s of [
      '10.0.0.0',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.1/',
      '10.0.0.1/+1',
      '10.0.0.1/-1',
      '/8',
      'fe80::1%e/64',
    ]) {
      assert.equal(parseCidr(s), undefined, s);
    }
  });
  it('ipFamilyOf reads addresses and CIDRs, falling back on the presence of a colon', () => {
    assert.equal(ipFamilyOf('10.0.0.1/8'), '4');
    assert.equal(ipFamilyOf('fd00::1'), '6');
    assert.equal(ipFamilyOf('::ffff:10.0.0.1/104'), '4');
    assert.equal(ipFamilyOf('garbage:'), '6');
  });
});

describe('cidrContains', () => {
  it('matches by prefix within a family only', () => {
    const net = parseCidr('10.9.0.0/16');
    const v6 = parseCidr('fd00:1::/64');
    assert.ok(net && v6);
    const ip = (s: string) => {
      const p = parseIp(s);
      assert.ok(p);
      return p;
    };
    assert.ok(cidrContains(net, ip('10.9.255.1')));
    assert.ok(!cidrContains(net, ip('10.10.0.1')));
    assert.ok(!cidrContains(net, ip('::a09:1')));
    assert.ok(cidrContains(v6, ip('fd00:1::5')));
    assert.ok(!cidrContains(v6, ip('fd00:2::5')));
    const odd = parseCidr('192.168.1.128/25');
    assert.ok(odd && cidrContains(odd, ip('192.168.1.200')) && !cidrContains(odd, ip('192.168.1.100')));
  });
});

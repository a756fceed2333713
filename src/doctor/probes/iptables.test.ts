import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigList } from '../../config/index.ts';
import type { Judge } from '../judge.ts';
import { Liveness } from '../liveness.ts';
import { describeNetwork, type NetworkSet } from '../networks.ts';
import type { Finding } from '../types.ts';
import { dnatChainName, isProtectedChain, masqChainName } from './chain-names.ts';
import type { Reservation } from './ipam.ts';
import { type IptablesContext, iptablesFindings } from './iptables.ts';
import { parseIptablesSave } from './iptables-save.ts';

const NET = 'realnet';
const CONF = JSON.stringify({
  cniVersion: '1.0.0',
  name: NET,
  plugins: [
    {
      type: 'bridge',
      bridge: 'cni9',
      ipMasq: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.222.0.0/24' }]] },
    },
    { type: 'portmap', capabilities: { portMappings: true } },
    { type: 'firewall' },
  ],
});

function networks(): NetworkSet {
  const net = describeNetwork(parseConfigList(CONF), '/conf/10.conflist', '/var/lib/cni/networks');
  return { networks: [net], byName: new Map([[net.name, net]]), errors: [] };
}

/** What bridge + portmap + firewall leave for one container (debian-baseline §3), as iptables-save prints it. */
function attachmentRules(cid: string, ip: string): { nat: string; filter: string } {
  const masq = masqChainName(NET, cid);
  const dn = dnatChainName(NET, cid);
  const c = `"name: \\"${NET}\\" id: \\"${cid}\\""`;
  return {
    nat: [
      `:${masq} - [0:0]`,
      `:${dn} - [0:0]`,
      `-A POSTROUTING -s ${ip}/32 -m comment --comment ${c} -j ${masq}`,
      `-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"${NET}\\" id: \\"${cid}\\"" -m multiport --dports 8080 -j ${dn}`,
      `-A ${masq} -d 10.222.0.0/24 -m comment --comment ${c} -j ACCEPT`,
      `-A ${masq} ! -d 224.0.0.0/4 -m comment --comment ${c} -j MASQUERADE`,
      `-A ${dn} -p tcp -s 10.222.0.0/24 --dport 8080 -j CNI-HOSTPORT-SETMARK`,
      `-A ${dn} -p tcp --dport 8080 -j DNAT --to-destination ${ip}:80`,
    ].join('\n'),
    filter: [
      `-A CNI-FORWARD -s ${ip}/32 -j ACCEPT`,
      `-A CNI-FORWARD -d ${ip}/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    ].join('\n'),
  };
}

function save(parts: readonly { nat: string; filter: string }[], extraNat = '', extraFilter = ''): string {
  return [
    '*nat',
    ':POSTROUTING ACCEPT [0:0]',
    ':CNI-HOSTPORT-DNAT - [0:0]',
    ':CNI-HOSTPORT-SETMARK - [0:0]',
    ':CNI-HOSTPORT-MASQ - [0:0]',
    '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
    ...parts.map((p) => p.nat),
    extraNat,
    'COMMIT',
    '*filter',
    ':FORWARD ACCEPT [0:0]',
    ':CNI-FORWARD - [0:0]',
    ':CNI-ADMIN - [0:0]',
    '-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD',
    '-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN',
    ...parts.map((p) => p.filter),
    extraFilter,
    'COMMIT',
    '',
  ].join('\n');
}

function context(opts: {
  live?: string[];
  young?: string[];
  candidates?: string[];
  reservations?: Reservation[];
  available?: boolean;
}): IptablesContext {
  const liveness = new Liveness({ available: opts.available ?? true, sources: ['cache'] });
  for (const id of opts.live ?? []) liveness.addLive(id);
  for (const id of opts.young ?? []) liveness.addYoung(id);
  const judge: Judge = { liveness, minAgeMs: 300_000 };
  return {
    networks: networks(),
    judge,
    candidates: new Set(opts.candidates ?? []),
    reservations: opts.reservations ?? [],
    unreadableStores: new Set(),
  };
}

function reservation(cid: string, ip: string): Reservation {
  return {
    network: NET,
    storeDir: `/d/${NET}`,
    ip,
    path: `/d/${NET}/${ip}`,
    containerId: cid,
    ifName: 'eth0',
    ageMs: 3_600_000,
  };
}

function findings(ctx: IptablesContext, text: string): Finding[] {
  return iptablesFindings(ctx, { family: 4, tables: parseIptablesSave(text) });
}

function summary(fs: readonly Finding[]): string[] {
  return fs
    .map((f) => {
      if (f.kind === 'iptables-stale-chain')
        return `chain ${f.table} ${f.chain} ${f.containerId ?? '?'} ${f.disposition}`;
      if (f.kind === 'iptables-stale-rule')
        return `rule ${f.table} ${f.chain} ${f.reason} ${f.containerId ?? '?'} ${f.disposition}`;
      return f.kind;
    })
    .sort();
}

describe('iptables findings', () => {
  it('finds the chains and jump rules of a dead container, and its firewall rules once the IP is free', () => {
    const dead = attachmentRules('dead-1', '10.222.0.5');
    const live = attachmentRules('live-1', '10.222.0.6');
    const ctx = context({ live: ['live-1'] });
    ctx.judge.liveness.addHeldIp('10.222.0.6');
    const got = summary(findings(ctx, save([dead, live])));
    assert.deepEqual(
      got,
      [
        `chain nat ${masqChainName(NET, 'dead-1')} dead-1 repair`,
        `chain nat ${dnatChainName(NET, 'dead-1')} dead-1 repair`,
        'rule filter CNI-FORWARD firewall-ip ? repair',
        'rule filter CNI-FORWARD firewall-ip ? repair',
        'rule nat CNI-HOSTPORT-DNAT comment dead-1 repair',
        'rule nat POSTROUTING comment dead-1 repair',
      ].sort(),
    );
  });

  it('never reports a shared chain or a rule of the shared plumbing', () => {
    const got = findings(context({}), save([]));
    assert.deepEqual(got, []);
    for (const c of [
      'CNI-HOSTPORT-DNAT',
      'CNI-HOSTPORT-SETMARK',
      'CNI-HOSTPORT-MASQ',
      'CNI-FORWARD',
      'CNI-ADMIN',
      'POSTROUTING',
    ]) {
      assert.equal(isProtectedChain(c), true, c);
    }
    assert.equal(isProtectedChain(masqChainName(NET, 'x')), false);
    assert.equal(isProtectedChain(dnatChainName(NET, 'x')), false);
  });

  it('keeps what a young container owns, and marks it so', () => {
    const ctx = context({ young: ['new-1'], reservations: [{ ...reservation('new-1', '10.222.0.9'), ageMs: 1000 }] });
    ctx.judge.liveness.addYoungIp('10.222.0.9');
    const got = findings(ctx, save([attachmentRules('new-1', '10.222.0.9')]));
    assert.ok(got.length > 0);
    assert.ok(
      got.every((f) => f.disposition === 'young'),
      JSON.stringify(got.map((f) => f.disposition)),
    );
  });

  it('attributes a firewall rule to the dead owner of its reservation', () => {
    const ctx = context({ reservations: [reservation('dead-2', '10.222.0.7')] });
    const got = findings(ctx, save([], '', '-A CNI-FORWARD -s 10.222.0.7/32 -j ACCEPT'));
    assert.equal(got.length, 1);
    assert.equal(got[0]?.containerId, 'dead-2');
    assert.equal(got[0]?.network, NET);
  });

  it('leaves alone rules of networks the conf dir does not know and IPs outside its subnets', () => {
    const c = '"name: \\"othernet\\" id: \\"x-1\\""';
    const chain = masqChainName('othernet', 'x-1');
    const text = save(
      [],
      `:${chain} - [0:0]\n-A POSTROUTING -s 10.9.0.5/32 -m comment --comment ${c} -j ${chain}`,
      '-A CNI-FORWARD -s 192.168.50.3/32 -j ACCEPT',
    );
    assert.deepEqual(findings(context({}), text), []);
  });

  it('names the owner of an unreferenced chain from the candidates, or keeps it as unknown', () => {
    const chain = masqChainName(NET, 'gone-3');
    const text = save([], `:${chain} - [0:0]\n-A ${chain} -d 10.222.0.0/24 -j ACCEPT`);
    assert.deepEqual(summary(findings(context({ candidates: ['gone-3'] }), text)), [
      `chain nat ${chain} gone-3 repair`,
    ]);
    assert.deepEqual(summary(findings(context({}), text)), [`chain nat ${chain} ? unknown-owner`]);
  });

  it('repairs an empty, unreferenced per-container chain whatever its owner (bridge killed between -F and -X)', () => {
    const chain = masqChainName(NET, 'long-gone');
    const text = save([], `:${chain} - [0:0]`);
    assert.deepEqual(summary(findings(context({}), text)), [`chain nat ${chain} ? repair`]);
    assert.deepEqual(summary(findings(context({ available: false }), text)), [
      `chain nat ${chain} ? liveness-unavailable`,
    ]);
  });

  it('names the owner of an unreferenced chain from its own rules’ comments (bridge killed mid-DEL)', () => {
    const chain = masqChainName(NET, 'gone-4');
    const c = `"name: \\"${NET}\\" id: \\"gone-4\\""`;
    const text = save([], `:${chain} - [0:0]\n-A ${chain} -d 10.222.0.0/24 -m comment --comment ${c} -j ACCEPT`);
    assert.deepEqual(summary(findings(context({}), text)), [`chain nat ${chain} gone-4 repair`]);
    // A comment naming someone whose hash is not this chain's proves nothing.
    const other = `"name: \\"${NET}\\" id: \\"someone-else\\""`;
    const forged = save([], `:${chain} - [0:0]\n-A ${chain} -d 10.222.0.0/24 -m comment --comment ${other} -j ACCEPT`);
    assert.deepEqual(summary(findings(context({}), forged)), [`chain nat ${chain} ? unknown-owner`]);
  });

  it('judges nothing when the live set is unavailable', () => {
    const got = findings(context({ available: false }), save([attachmentRules('dead-1', '10.222.0.5')]));
    assert.ok(got.length > 0);
    assert.ok(got.every((f) => f.disposition === 'liveness-unavailable'));
  });

  it('does not take other CNI-FORWARD rules for firewall /32 rules', () => {
    const text = save(
      [],
      '',
      '-A CNI-FORWARD -s 10.222.0.5/32 -p tcp -j ACCEPT\n-A CNI-FORWARD -s 10.222.0.0/24 -j ACCEPT',
    );
    assert.deepEqual(findings(context({}), text), []);
  });
});

// The networks both harnesses load from one conf dir: a trivial chain (cnigo-noop, which answers at once, exec'd
// by both runtimes) and the realistic chain of debian-baseline.md §3 on a /23 (256 attachments need > 253 IPs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes the conf dir under `dir` (IPAM and tuning data stay under `dir` too) and returns its path. */
export function writeConfs(dir: string): string {
  const confDir = join(dir, 'conf');
  mkdirSync(confDir, { recursive: true });
  const trivial = { cniVersion: '1.0.0', name: 'trivial-gonoop', plugins: [{ type: 'cnigo-noop' }] };
  const realnet = {
    cniVersion: '1.0.0',
    name: 'realnet',
    plugins: [
      {
        type: 'bridge',
        bridge: 'ckbench0',
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: '10.224.0.0/23', gateway: '10.224.0.1' }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: join(dir, 'ipam'),
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      { type: 'firewall', backend: 'iptables' },
      { type: 'tuning', sysctl: { 'net.core.somaxconn': '512' }, dataDir: join(dir, 'tuning') },
    ],
  };
  writeFileSync(join(confDir, '10-trivial-gonoop.conflist'), `${JSON.stringify(trivial, null, 2)}\n`);
  writeFileSync(join(confDir, '20-realnet.conflist'), `${JSON.stringify(realnet, null, 2)}\n`);
  return confDir;
}

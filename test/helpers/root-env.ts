// Whether this machine can run the root suites, and a loud message when it cannot (a silent skip hides a gap).
import { existsSync } from 'node:fs';
import { REFERENCE_PLUGIN_DIR } from './netns.ts';

/** Why the root suites cannot run here, or undefined when they can (root, ip, iptables, reference plugins). */
export function rootSuiteSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (network namespaces and iptables need root)';
  if (!existsSync(`${REFERENCE_PLUGIN_DIR}/bridge`)) {
    return `${REFERENCE_PLUGIN_DIR}/bridge missing: install containernetworking-plugins (scripts/setup.sh does)`;
  }
  for (const tool of ['/usr/sbin/ip', '/usr/sbin/iptables-save', '/usr/bin/unshare']) {
    if (!existsSync(tool)) return `${tool} missing: install iproute2, iptables and util-linux (scripts/setup.sh)`;
  }
  return undefined;
}

/** The skip option for node:test: false when the suite can run, else the reason, printed loudly once. */
export function skipUnlessRoot(suite: string): string | false {
  const reason = rootSuiteSkipReason();
  if (reason === undefined) return false;
  console.log(`\n!!!!!!!! SKIPPING ${suite}: ${reason} !!!!!!!!\n`);
  return reason;
}

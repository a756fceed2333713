// The demo's outer process: it only creates and deletes the private namespaces and the work dir, and re-runs
// cnikit inside the "host" namespace (`ip netns exec`), so every plugin exec, bridge, veth and iptables rule lives
// there and the machine's own network is never touched. Cleanup runs whatever happens, SIGINT included.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CNIError, ErrorCode } from '../spec/index.ts';
import { DEMO_PLUGINS } from './demo-network.ts';
import { ExitCode } from './exit-codes.ts';
import type { CliIO } from './io.ts';
import { mustRun, runTool } from './run-tool.ts';
import { styleFor } from './style.ts';

const INSTALL_HINT =
  'Install them with: apt-get install containernetworking-plugins iptables (or ./scripts/setup.sh in a cnikit checkout)';

async function hasTool(cmd: string, args: readonly string[]): Promise<boolean> {
  try {
    return (await runTool(cmd, args)).code === 0;
  } catch {
    return false;
  }
}

/** Throws a clear error unless the demo can run here: root, the reference plugins, ip and iptables. */
export async function demoPreflight(pluginDir: string): Promise<void> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new CNIError(
      ErrorCode.InvalidEnvironment,
      'cnikit demo must run as root: it creates network namespaces and runs the bridge, portmap and firewall plugins (try: sudo cnikit demo)',
    );
  }
  const missing = DEMO_PLUGINS.filter((p) => !existsSync(join(pluginDir, p)));
  if (missing.length > 0) {
    throw new CNIError(
      ErrorCode.PluginNotAvailable,
      `the reference CNI plugins are missing from ${pluginDir}: ${missing.join(', ')}. ${INSTALL_HINT}; or point --plugin-dir at them`,
    );
  }
  const tools = [
    ['ip', ['-V']],
    ['iptables', ['--version']],
    ['iptables-save', ['--version']],
  ] as const;
  for (const [cmd, args] of tools) {
    if (!(await hasTool(cmd, args))) {
      throw new CNIError(
        ErrorCode.InvalidEnvironment,
        `the demo needs '${cmd}' in PATH. ${INSTALL_HINT} (and iproute2)`,
      );
    }
  }
}

/** Re-runs cnikit as `demo --stage inner` inside `hostNetns`; resolves with its exit code. */
function runInner(hostNetns: string, innerArgs: readonly string[], io: CliIO): Promise<number> {
  const script = process.argv[1] ?? '';
  const child = spawn(
    'ip',
    ['netns', 'exec', hostNetns, process.execPath, ...process.execArgv, script, 'demo', ...innerArgs],
    {
      stdio: 'inherit',
    },
  );
  return new Promise((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    // A terminal's Ctrl-C reaches the child too; a signal sent to us alone is passed on after a grace period.
    const onAbort = (): void => {
      timers.push(setTimeout(() => child.kill('SIGTERM'), 3000));
      timers.push(setTimeout(() => child.kill('SIGKILL'), 10_000));
    };
    io.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      io.signal.removeEventListener('abort', onAbort);
      for (const t of timers) clearTimeout(t);
      resolve(code ?? (signal === null ? ExitCode.Failed : ExitCode.Interrupted));
    });
  });
}

/** Runs the whole demo: namespaces and work dir in, story inside, everything removed afterwards. */
export async function runDemoHost(pluginDir: string, io: CliIO): Promise<number> {
  await demoPreflight(pluginDir);
  const s = styleFor(io.stdout, io.env);
  const hostNetns = `cnikit-demo-${process.pid}`;
  const containerNetns = `cnikit-demo-${process.pid}-c`;
  const work = await mkdtemp(join(tmpdir(), 'cnikit-demo-'));
  const created: string[] = [];
  let code: number = ExitCode.Failed;
  try {
    for (const ns of [hostNetns, containerNetns]) {
      await mustRun('ip', ['netns', 'add', ns]);
      created.push(ns);
      await mustRun('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    io.stdout.write(`${s.bold('cnikit demo: a crash-damaged result cache, and a DEL that cleans up anyway')}\n`);
    io.stdout.write(`   private host namespace ${hostNetns} (your own network is not touched)\n`);
    io.stdout.write(`   container namespace    ${containerNetns}\n   work dir               ${work}\n`);
    code = await runInner(
      hostNetns,
      ['--stage', 'inner', '--work', work, '--container-netns', containerNetns, '--plugin-dir', pluginDir],
      io,
    );
  } finally {
    // The container namespace first: deleting it destroys eth0 and with it the veth pair.
    for (const ns of created.reverse()) {
      const r = await runTool('ip', ['netns', 'del', ns]).catch(() => undefined);
      if (r?.code !== 0) io.stderr.write(`warning: could not delete namespace ${ns}: ${r?.stderr.trim() ?? ''}\n`);
    }
    await rm(work, { recursive: true, force: true });
    io.stdout.write(
      `\n${s.dim(`cleaned up: namespaces ${created.join(', ') || '(none)'} deleted, ${work} removed`)}\n`,
    );
  }
  return io.signal.aborted ? ExitCode.Interrupted : code;
}

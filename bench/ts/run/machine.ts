// What the figures were taken on: they mean nothing without the machine, its load and the versions.
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryMiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly go: string;
  readonly libcni: string;
  readonly commit: string;
  readonly dirty: boolean;
}

function out(cmd: string, args: readonly string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** The machine and the software versions. */
export function machine(root: string): Machine {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    kernel: release(),
    node: process.version,
    go: out('go', ['version']).split(' ')[2] ?? 'unknown',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's format syntax, not a template
    libcni: out('dpkg-query', ['-W', '-f=${Version}', 'golang-github-appc-cni-dev']),
    commit: out('git', ['rev-parse', '--short', 'HEAD'], root),
    dirty: out('git', ['status', '--porcelain', '--', 'src'], root) !== '',
  };
}

/** The 1-minute load average, rounded. */
export function load1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

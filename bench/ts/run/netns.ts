// The private network namespaces the benchmarks run in: one "host" netns both harnesses run inside (the bridge
// chain's bridge, veths and iptables rules live there, never in the machine's own network), one container netns
// for the sequential scenarios, and one per attachment for the concurrent one. Everything is deleted at the end.
import { spawnSync } from 'node:child_process';

const NETNS_DIR = '/var/run/netns';

function ip(args: readonly string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`);
}

/** Deletes a namespace, killing what still runs in it; missing is fine. */
function remove(name: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
  if (pids.status === 0) {
    for (const p of pids.stdout.split(/\s+/).filter((s) => /^\d+$/.test(s))) {
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
}

/** The namespaces of one benchmark run. */
export class BenchNetns {
  readonly host: string;
  readonly container: string;
  readonly #made: string[] = [];
  #perAttachment = 0;

  /** Creates the host and container namespaces, each with `lo` up; names start with `tag`. */
  constructor(readonly tag: string) {
    this.host = `${tag}-host`;
    this.container = `${tag}-c`;
    this.#add(this.host);
    this.#add(this.container);
  }

  #add(name: string): void {
    ip(['netns', 'add', name]);
    this.#made.push(name);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
  }

  /** The container netns path the sequential scenarios pass as CNI_NETNS. */
  get containerPath(): string {
    return `${NETNS_DIR}/${this.container}`;
  }

  /** Makes `count` per-attachment namespaces (once) and returns the path pattern with `%d` for the index. */
  perAttachment(count: number): string {
    for (let i = this.#perAttachment; i < count; i++) this.#add(`${this.tag}-b${i}`);
    this.#perAttachment = Math.max(this.#perAttachment, count);
    return `${NETNS_DIR}/${this.tag}-b%d`;
  }

  /** `ip netns exec <host>` prefix for a command. */
  execArgs(cmd: string, args: readonly string[]): string[] {
    return ['netns', 'exec', this.host, cmd, ...args];
  }

  /** Runs a command in the host netns and returns its stdout (throws on failure). */
  run(cmd: string, args: readonly string[]): string {
    const r = spawnSync('ip', this.execArgs(cmd, args), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Deletes every namespace made, last first. */
  close(): void {
    for (const name of this.#made.splice(0).reverse()) remove(name);
  }
}

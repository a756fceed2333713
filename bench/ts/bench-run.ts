// The state one mode works with, and the JSON object printed on stdout: cnibench's schema (bench/go/README.md)
// with cnikit's identity in place of Go's.
import type { NetworkConfigList } from '../../src/config/index.ts';
import type { RuntimeConf } from '../../src/runtime/index.ts';
import type { Options } from './flags.ts';
import { Recorder, type Summary } from './stats.ts';

/** Run parameters echoed in the output. */
export interface Params {
  n: number;
  warmup: number;
  concurrency?: number;
  total?: number;
  entries?: number;
  ifName?: string;
  netns?: string;
  pluginPath?: string;
}

/** The JSON object on stdout; field for field cnibench's, except harness, impl and the runtime's versions. */
export interface Output {
  harness: 'cnikit-bench';
  impl: 'cnikit';
  nodeVersion: string;
  /** The exec backend asked for through CNIKIT_SPAWN ("default" when unset). */
  spawn: string;
  mode: string;
  network?: string;
  cniVersion?: string;
  plugins?: string[];
  params: Params;
  cacheDir?: string;
  wallMs: number;
  failures: number;
  errors: string[];
  metrics: Record<string, Summary>;
  raw?: Record<string, number[]>;
  extra?: Record<string, number>;
  maxRssKiB: number;
  /** CPU time of this process alone (user + system), for telling its own work from the plugins'. */
  selfCpuMs?: number;
  startedAt: string;
  fatal?: string;
}

/** How many error strings are kept; the count is in `failures`. */
const MAX_ERRORS = 10;

/** One harness run: options, loaded list, recorder, output. */
export class BenchRun {
  readonly rec = new Recorder();
  list: NetworkConfigList | undefined;
  cacheDir = '';

  /** Binds the options and the output object being filled. */
  constructor(
    readonly opt: Options,
    readonly out: Output,
  ) {}

  /** Counts a failure and keeps its text while there is room. */
  fail(what: string, err: unknown): void {
    this.out.failures++;
    if (this.out.errors.length < MAX_ERRORS) {
      this.out.errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Sets one figure under `extra`. */
  setExtra(key: string, value: number): void {
    this.out.extra = { ...(this.out.extra ?? {}), [key]: value };
  }

  /** The plugin search path as a list (colon-separated, as cnibench splits it). */
  pluginPath(): string[] {
    return this.opt.pluginPath.split(':');
  }

  /** Container ID of attachment i (negative: warm-up), as cnibench names them. */
  containerId(i: number): string {
    return i < 0 ? `${this.opt.cidPrefix}w${-i}` : `${this.opt.cidPrefix}${String(i).padStart(6, '0')}`;
  }

  /** The netns path of attachment i: `%d` is replaced by the index (warm-up uses 0). */
  netnsFor(i: number): string {
    return this.opt.netns.includes('%d') ? this.opt.netns.replace('%d', String(Math.max(0, i))) : this.opt.netns;
  }

  /** The RuntimeConf of attachment i, with -cni-args and -cap-args (sent on ADD and DEL alike). */
  runtimeConf(i: number): RuntimeConf {
    const base = { containerId: this.containerId(i), ifName: this.opt.ifName, netns: this.netnsFor(i) };
    const args = this.opt.cniArgs === '' ? undefined : parseCniArgs(this.opt.cniArgs);
    const capabilityArgs = this.opt.capArgs === '' ? undefined : parseCapArgs(this.opt.capArgs);
    return {
      ...base,
      ...(args === undefined ? {} : { args }),
      ...(capabilityArgs === undefined ? {} : { capabilityArgs }),
    };
  }
}

/** K=V;K2=V2 as cnitool reads it: every pair needs a non-empty key and value. */
export function parseCniArgs(s: string): [string, string][] {
  return s.split(';').map((pair) => {
    const kv = pair.split('=');
    const [k, v] = kv;
    if (kv.length !== 2 || k === undefined || v === undefined || k === '' || v === '') {
      throw new Error(`invalid CNI_ARGS pair ${JSON.stringify(pair)}`);
    }
    return [k, v];
  });
}

/** -cap-args: a JSON object. */
export function parseCapArgs(s: string): Record<string, unknown> {
  const v: unknown = JSON.parse(s);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('-cap-args: not a JSON object');
  return { ...v };
}

// Running one harness process (Go's cnibench or cnikit-bench) inside the host netns and reading its JSON.
import { spawn } from 'node:child_process';
import { isRecord } from '../../../src/spec/index.ts';
import type { BenchNetns } from './netns.ts';

/** Which harness, and for cnikit which exec backend (CNIKIT_SPAWN; "default" leaves it unset). */
export type Impl = { readonly kind: 'go' } | { readonly kind: 'ts'; readonly spawn: string };

/** The parts of a harness's JSON the report uses. */
export interface HarnessOutput {
  readonly failures: number;
  readonly errors: readonly string[];
  readonly fatal: string | undefined;
  readonly wallMs: number;
  readonly maxRssKiB: number;
  readonly raw: Readonly<Record<string, readonly number[]>>;
  readonly extra: Readonly<Record<string, number>>;
  /** The whole object, raw samples dropped. */
  readonly json: Readonly<Record<string, unknown>>;
}

/** Where the binaries are. */
export interface Binaries {
  readonly cnibench: string;
  readonly tsBundle: string;
}

/** A label for tables: "go", "ts", or "ts:<backend>". */
export function implLabel(impl: Impl): string {
  return impl.kind === 'go' ? 'go' : impl.spawn === 'default' ? 'ts' : `ts:${impl.spawn}`;
}

function numberRecord(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'number') out[k] = x;
  return out;
}

function rawRecord(v: unknown): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  if (isRecord(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (Array.isArray(x)) out[k] = x.filter((n): n is number => typeof n === 'number');
    }
  }
  return out;
}

/** Reads a harness's stdout; throws when it is not the schema's object. */
export function parseOutput(text: string): HarnessOutput {
  const v: unknown = JSON.parse(text);
  if (!isRecord(v) || typeof v.failures !== 'number' || !isRecord(v.metrics)) {
    throw new Error(`not a harness output: ${text.slice(0, 200)}`);
  }
  const { raw, ...json } = v;
  return {
    failures: v.failures,
    errors: Array.isArray(v.errors) ? v.errors.map(String) : [],
    fatal: typeof v.fatal === 'string' ? v.fatal : undefined,
    wallMs: typeof v.wallMs === 'number' ? v.wallMs : 0,
    maxRssKiB: typeof v.maxRssKiB === 'number' ? v.maxRssKiB : 0,
    raw: rawRecord(raw),
    extra: numberRecord(v.extra),
    json,
  };
}

/** Extra process options: node flags for cnikit (e.g. --cpu-prof), run in the host netns or not. */
export interface RunHarnessOptions {
  readonly nodeFlags?: readonly string[];
  readonly inNetns?: boolean;
}

/** Runs one harness with cnibench flags and returns its output; a usage error (exit 2) throws. */
export function runHarness(
  bins: Binaries,
  netns: BenchNetns,
  impl: Impl,
  args: readonly string[],
  opts: RunHarnessOptions = {},
): Promise<HarnessOutput> {
  const [cmd, argv] =
    impl.kind === 'go'
      ? [bins.cnibench, [...args]]
      : [process.execPath, [...(opts.nodeFlags ?? []), bins.tsBundle, ...args]];
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.CNIKIT_SPAWN;
  delete env.NODE_OPTIONS;
  if (impl.kind === 'ts' && impl.spawn !== 'default') env.CNIKIT_SPAWN = impl.spawn;
  const [file, fileArgs] = opts.inNetns === false ? [cmd, argv] : ['ip', netns.execArgs(cmd, argv)];
  return new Promise((resolve, reject) => {
    const child = spawn(file, fileArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code !== 0 && code !== 1) {
        reject(new Error(`${implLabel(impl)} ${args.join(' ')}: exit ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      try {
        resolve(parseOutput(stdout));
      } catch (e) {
        reject(new Error(`${implLabel(impl)} ${args.join(' ')}: ${String(e)}; stderr: ${stderr.slice(-2000)}`));
      }
    });
  });
}

// cnibench's command line, parsed the way Go's flag package does (-name value, -name=value, --name; booleans
// only as -name or -name=true), so run.mjs passes both harnesses the very same arguments.

/** The harness's options, named and defaulted as cnibench's flags. */
export interface Options {
  readonly mode: string;
  readonly confDir: string;
  readonly net: string;
  readonly netns: string;
  readonly ifName: string;
  readonly cacheDir: string;
  readonly pluginPath: string;
  readonly n: number;
  readonly warmup: number;
  readonly concurrency: number;
  readonly total: number;
  readonly entries: number;
  readonly cidPrefix: string;
  readonly capArgs: string;
  readonly cniArgs: string;
  readonly resultFile: string;
  readonly listCid: string;
  readonly perPlugin: boolean;
  readonly durable: boolean;
  readonly raw: boolean;
  readonly keep: boolean;
}

/** A bad command line; the harness prints it and exits 2, as cnibench does. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Setter =
  | { readonly kind: 'string'; readonly set: (o: Mutable<Options>, v: string) => void }
  | { readonly kind: 'int'; readonly set: (o: Mutable<Options>, v: number) => void }
  | { readonly kind: 'bool'; readonly set: (o: Mutable<Options>, v: boolean) => void };

const str = (set: (o: Mutable<Options>, v: string) => void): Setter => ({ kind: 'string', set });
const int = (set: (o: Mutable<Options>, v: number) => void): Setter => ({ kind: 'int', set });
const bool = (set: (o: Mutable<Options>, v: boolean) => void): Setter => ({ kind: 'bool', set });

const FLAGS: Readonly<Record<string, Setter>> = {
  mode: str((o, v) => (o.mode = v)),
  'conf-dir': str((o, v) => (o.confDir = v)),
  net: str((o, v) => (o.net = v)),
  netns: str((o, v) => (o.netns = v)),
  ifname: str((o, v) => (o.ifName = v)),
  'cache-dir': str((o, v) => (o.cacheDir = v)),
  'plugin-path': str((o, v) => (o.pluginPath = v)),
  n: int((o, v) => (o.n = v)),
  warmup: int((o, v) => (o.warmup = v)),
  concurrency: int((o, v) => (o.concurrency = v)),
  total: int((o, v) => (o.total = v)),
  entries: int((o, v) => (o.entries = v)),
  'cid-prefix': str((o, v) => (o.cidPrefix = v)),
  'cap-args': str((o, v) => (o.capArgs = v)),
  'cni-args': str((o, v) => (o.cniArgs = v)),
  'result-file': str((o, v) => (o.resultFile = v)),
  'list-cid': str((o, v) => (o.listCid = v)),
  perplugin: bool((o, v) => (o.perPlugin = v)),
  durable: bool((o, v) => (o.durable = v)),
  raw: bool((o, v) => (o.raw = v)),
  keep: bool((o, v) => (o.keep = v)),
};

function parseBool(name: string, v: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new UsageError(`invalid boolean value ${JSON.stringify(v)} for -${name}`);
}

function parseInt10(name: string, v: string): number {
  if (!/^[+-]?\d+$/.test(v)) throw new UsageError(`invalid value ${JSON.stringify(v)} for flag -${name}`);
  return Number(v);
}

/** Parses argv (without node and the script) over cnibench's defaults; throws UsageError. */
export function parseFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Options {
  const o: Mutable<Options> = {
    mode: 'cycle',
    confDir: env.NETCONFPATH || '/etc/cni/net.d',
    net: '',
    netns: '',
    ifName: 'eth0',
    cacheDir: '',
    pluginPath: env.CNI_PATH || '/usr/lib/cni',
    n: 100,
    warmup: 0,
    concurrency: 32,
    total: 256,
    entries: 0,
    cidPrefix: `tsbench-${process.pid}-`,
    capArgs: '',
    cniArgs: '',
    resultFile: '',
    listCid: '',
    perPlugin: false,
    durable: false,
    raw: false,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      if (i + 1 < argv.length) throw new UsageError(`unexpected argument ${JSON.stringify(argv[i + 1])}`);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const spec = FLAGS[name];
    if (spec === undefined) throw new UsageError(`flag provided but not defined: -${name}`);
    let value: string | undefined = eq < 0 ? undefined : body.slice(eq + 1);
    if (spec.kind === 'bool') {
      spec.set(o, value === undefined ? true : parseBool(name, value));
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
      value = argv[++i] ?? '';
    }
    if (spec.kind === 'int') spec.set(o, parseInt10(name, value));
    else spec.set(o, value);
  }
  return o;
}

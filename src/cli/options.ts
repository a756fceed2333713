// The flags and environment every subcommand shares, parsed once: `CommonOptions` is what commands (and the
// doctor, which lives in its own file) receive.
import { delimiter } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseDuration } from './duration.ts';
import { shippedPluginDir } from './package-root.ts';
import { UsageError } from './usage-error.ts';

/** What every subcommand knows after its flags and the environment are read. */
export interface CommonOptions {
  /** --cache-dir, else CNI_CACHE_DIR, else /var/lib/cni. */
  readonly cacheDir: string;
  /** --conf-dir, else NETCONFPATH, else /etc/cni/net.d. */
  readonly confDir: string;
  /** Plugin search path: --cni-path or CNI_PATH (':'-separated), then the plugins cnikit ships. */
  readonly path: readonly string[];
  /** --container-id, else CNI_CONTAINERID; absent means "derive it from the netns as cnitool does". */
  readonly containerId?: string;
  /** --timeout per plugin exec, in ms (0 disables); absent means the runtime's default. */
  readonly timeoutMs?: number;
  /** --json: machine-readable output, and errors as the spec's error object on stderr. */
  readonly json: boolean;
}

export const DEFAULT_CONF_DIR = '/etc/cni/net.d';
export const DEFAULT_CACHE_DIR = '/var/lib/cni';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The flags every subcommand accepts. */
export const COMMON_FLAGS = {
  'cache-dir': { type: 'string' },
  'conf-dir': { type: 'string' },
  'container-id': { type: 'string' },
  'cni-path': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

/** The common flags as they read in every --help. */
export const COMMON_FLAGS_HELP = `Common flags (every command):
  --conf-dir DIR        network configs (env NETCONFPATH, default ${DEFAULT_CONF_DIR}); wins over NETCONFPATH
  --cache-dir DIR       result cache (env CNI_CACHE_DIR, default ${DEFAULT_CACHE_DIR}); files in DIR/results
  --cni-path PATH       plugin search path, ':'-separated (env CNI_PATH); cnikit's own plugins are searched last
  --container-id ID     container ID (env CNI_CONTAINERID); default cnitool-<20 hex of sha512(abs netns)>
  --timeout DURATION    limit per plugin exec: 30s, 2m, 500ms, or milliseconds; 0 disables (default 5m)
  --json                machine-readable output on stdout; an error is the CNI error object, last line of stderr
  -h, --help            this help`;

/** Flag values as node:util parseArgs returns them, before they are narrowed. */
export type FlagValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** Parsed command line: flag values and positionals. */
export interface ParsedCommand {
  readonly values: FlagValues;
  readonly positionals: readonly string[];
}

/** Parses `argv` with the common flags plus `extra`; any parse failure becomes a UsageError carrying `usage`. */
export function parseCommand(argv: readonly string[], extra: OptionSpecs, usage: string): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...COMMON_FLAGS, ...extra },
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (e) {
    // parseArgs throws TypeErrors with codes ERR_PARSE_ARGS_*; their text already names the flag.
    throw new UsageError(e instanceof Error ? e.message : String(e), usage);
  }
}

/** A string flag's value, if given. */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a repeatable string flag, in order. */
export function stringFlags(values: FlagValues, name: string): string[] {
  const v = values[name];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A boolean flag: true only when given. */
export function booleanFlag(values: FlagValues, name: string): boolean {
  return values[name] === true;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** Splits a search path as Go's filepath.SplitList does, dropping empty elements. */
export function splitPath(text: string): string[] {
  return text.split(delimiter).filter((p) => p !== '');
}

/** Reads the common flags and their environment fallbacks. */
export function resolveCommon(
  values: FlagValues,
  env: Readonly<Record<string, string | undefined>>,
  usage: string,
): CommonOptions {
  const timeoutText = stringFlag(values, 'timeout');
  let timeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    timeoutMs = parseDuration(timeoutText);
    if (timeoutMs === undefined) {
      throw new UsageError(
        `invalid --timeout ${JSON.stringify(timeoutText)}: use e.g. 30s, 2m, 500ms or milliseconds`,
        usage,
      );
    }
  }
  const path = splitPath(stringFlag(values, 'cni-path') ?? env.CNI_PATH ?? '');
  const shipped = shippedPluginDir();
  if (shipped !== undefined && !path.includes(shipped)) path.push(shipped);
  const containerId = nonEmpty(stringFlag(values, 'container-id')) ?? nonEmpty(env.CNI_CONTAINERID);
  return {
    cacheDir: nonEmpty(stringFlag(values, 'cache-dir')) ?? nonEmpty(env.CNI_CACHE_DIR) ?? DEFAULT_CACHE_DIR,
    confDir: nonEmpty(stringFlag(values, 'conf-dir')) ?? nonEmpty(env.NETCONFPATH) ?? DEFAULT_CONF_DIR,
    path,
    ...(containerId === undefined ? {} : { containerId }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    json: booleanFlag(values, 'json'),
  };
}

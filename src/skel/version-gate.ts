// The plugin-side version checks of libcni's skel: exact reconcile for ADD/DEL, and the "does not allow" gates
// of CHECK (>= 0.4.0), GC and STATUS (>= 1.1.0).
import { CNIError, ErrorCode, goQuote, type PluginConf, versionAtLeast } from '../spec/index.ts';

/** The config's cniVersion ("" and absent read as 0.1.0); code 6 when it is not a string. */
export function configVersionOf(config: PluginConf): string {
  const v = config.cniVersion;
  if (v !== undefined && typeof v !== 'string') {
    const kind = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    throw new CNIError(
      ErrorCode.DecodingFailure,
      `decoding version from network config: field "cniVersion" must be a string, got ${kind}`,
    );
  }
  return v === undefined || v === '' ? '0.1.0' : v;
}

/** Go's %q of a []string: ["a" "b"]. */
function quoteList(list: readonly string[]): string {
  return `[${list.map(goQuote).join(' ')}]`;
}

/** Throws code 1 "incompatible CNI versions" unless `versions` names `configVersion` exactly (upstream's reconcile). */
export function reconcile(configVersion: string, versions: readonly string[]): void {
  if (versions.includes(configVersion)) return;
  throw new CNIError(ErrorCode.IncompatibleVersion, 'incompatible CNI versions', {
    details: `config is ${goQuote(configVersion)}, plugin supports ${quoteList(versions)}`,
  });
}

// A version that does not parse is a decoding failure here (code 6), as in upstream skel.
function atLeast(v: string, min: string): boolean {
  try {
    return versionAtLeast(v, min);
  } catch (e) {
    throw new CNIError(ErrorCode.DecodingFailure, e instanceof Error ? e.message : String(e), { cause: e });
  }
}

/**
 * The gate of a verb newer than the first spec (CHECK 0.4.0, GC and STATUS 1.1.0): the config must be at least
 * `min`, some supported version must be at least the config's, then the exact reconcile applies.
 */
export function gateVerb(command: string, configVersion: string, min: string, versions: readonly string[]): void {
  if (!atLeast(configVersion, min)) {
    throw new CNIError(ErrorCode.IncompatibleVersion, `config version does not allow ${command}`);
  }
  for (const pluginVersion of versions) {
    if (atLeast(pluginVersion, configVersion)) {
      reconcile(configVersion, versions);
      return;
    }
  }
  throw new CNIError(ErrorCode.IncompatibleVersion, `plugin version does not allow ${command}`);
}

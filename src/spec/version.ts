// Spec versions: parsing, ordering and negotiation, as libcni's pkg/version does it.
import { CNIError, ErrorCode } from './errors.ts';
import { quoteValue } from './go-quote.ts';

/** Every spec version cnikit speaks, oldest first. */
export const SUPPORTED_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export type SpecVersion = (typeof SUPPORTED_VERSIONS)[number];
/** The newest spec version (what VERSION reports as cniVersion). */
export const CURRENT_VERSION: SpecVersion = '1.1.0';

export interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
  readonly micro: number;
}

/** True when `v` is one of SUPPORTED_VERSIONS. */
export function isSpecVersion(v: unknown): v is SpecVersion {
  return typeof v === 'string' && (SUPPORTED_VERSIONS as readonly string[]).includes(v);
}

// strconv.Atoi's rules and wording: an optional sign and decimal digits (bounded here by the safe-integer range).
// The part is quoted only on failure, and cut (quoteValue), since Go's message names it twice.
function part(name: string, text: string): number {
  const fail = (why: string): never => {
    const quoted = quoteValue(text);
    throw new CNIError(
      ErrorCode.IncompatibleVersion,
      `failed to convert ${name} version part ${quoted}: strconv.Atoi: parsing ${quoted}: ${why}`,
    );
  };
  if (!/^[+-]?\d+$/.test(text)) fail('invalid syntax');
  const n = Number.parseInt(text, 10);
  if (!Number.isSafeInteger(n)) fail('value out of range');
  return n;
}

/** Parses "MAJOR.MINOR.PATCH" ("" means 0.1.0, "1" and "1.0" are accepted as upstream does); throws code 1 on junk. */
export function parseVersion(v: string): ParsedVersion {
  if (v === '') return { major: 0, minor: 1, micro: 0 };
  // At most four pieces: a fourth already means too many, so a megabyte of dots is not split into half a million.
  const parts = v.split('.', 4);
  const [major = '', minor, micro] = parts;
  if (parts.length > 3) {
    throw new CNIError(ErrorCode.IncompatibleVersion, `invalid version ${quoteValue(v)}: too many parts`);
  }
  return {
    major: part('major', major),
    minor: minor === undefined ? 0 : part('minor', minor),
    micro: micro === undefined ? 0 : part('micro', micro),
  };
}

/** Orders two version strings: negative, zero or positive as `a` is older, equal or newer. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x.major - y.major || x.minor - y.minor || x.micro - y.micro;
}

/** True when `v` >= `min` (libcni's GreaterThanOrEqualTo; throws on an unparsable version). */
export function versionAtLeast(v: string, min: string): boolean {
  return compareVersions(v, min) >= 0;
}

/** True when a plugin's supported-version list names the config's version (an empty version means 0.1.0). */
export function pluginSupports(supported: readonly string[], configVersion: string): boolean {
  const wanted = configVersion === '' ? '0.1.0' : configVersion;
  return supported.includes(wanted);
}

/** Picks the highest entry of a list's `cniVersions` that cnikit supports (<= 1.1.0), or undefined when none is. */
export function selectCniVersion(candidates: readonly string[]): SpecVersion | undefined {
  let best: SpecVersion | undefined;
  for (const c of candidates) {
    if (!isSpecVersion(c)) continue;
    if (best === undefined || compareVersions(c, best) > 0) best = c;
  }
  return best;
}

// Name rules from libcni (pkg/utils). These names become cache file paths, so they are also the traversal guard.
import { CNIError, ErrorCode } from './errors.ts';
import { clipValue } from './go-quote.ts';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const MAX_IFNAME_BYTES = 15;
// Go's unicode.IsSpace: ASCII whitespace plus U+0085, U+00A0 and the Unicode Zs/line/paragraph separators.
const SPACE_RE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

/** Throws unless `id` is a valid container ID: code 3 when empty, code 4 for bad characters (upstream's codes and text). */
export function validateContainerId(id: string): void {
  if (id === '') throw new CNIError(ErrorCode.UnknownContainer, 'missing containerID');
  if (!NAME_RE.test(id))
    throw new CNIError(ErrorCode.InvalidEnvironment, 'invalid characters in containerID', { details: clipValue(id) });
}

/** Throws code 7 unless `name` is a valid network name. */
export function validateNetworkName(name: string): void {
  if (name === '') throw new CNIError(ErrorCode.InvalidNetworkConfig, 'missing network name:');
  if (!NAME_RE.test(name))
    throw new CNIError(ErrorCode.InvalidNetworkConfig, 'invalid characters found in network name', {
      details: clipValue(name),
    });
}

/** Throws code 4 unless `name` is a valid interface name (<= 15 bytes, not . or .., no / : or whitespace). */
export function validateInterfaceName(name: string): void {
  if (name === '') throw new CNIError(ErrorCode.InvalidEnvironment, 'interface name is empty');
  if (Buffer.byteLength(name, 'utf8') > MAX_IFNAME_BYTES) {
    throw new CNIError(ErrorCode.InvalidEnvironment, 'interface name is too long', {
      details: `interface name should be less than ${MAX_IFNAME_BYTES + 1} characters`,
    });
  }
  if (name === '.' || name === '..') throw new CNIError(ErrorCode.InvalidEnvironment, 'interface name is . or ..');
  for (const ch of name) {
    // NUL is ours: Go passes it on, but no kernel interface (or file name) can hold one.
    if (ch === '/' || ch === ':' || ch === '\0' || SPACE_RE.test(ch)) {
      throw new CNIError(ErrorCode.InvalidEnvironment, 'interface name contains / or : or whitespace characters');
    }
  }
}

/** True when `s` passes the container-ID / network-name rule (for listing code that must not throw). */
export function isValidName(s: string): boolean {
  return NAME_RE.test(s);
}

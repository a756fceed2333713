// The exact bytes a plugin writes, as upstream skel writes them: runtimes and Go's libcni parse these.
import { type CNIError, encodeVersionInfo, goIndentJson } from '../spec/index.ts';

/** The error object as upstream's types.Error.Print writes it: 4-space indented {code,msg[,details]}, no newline. */
export function formatError(err: CNIError): string {
  const { code, msg, details } = err;
  return goIndentJson(details ? { code, msg, details } : { code, msg });
}

/** VERSION's answer: compact {"cniVersion":"1.1.0","supportedVersions":[...]} and a newline (Go's json.Encoder). */
export function formatVersionInfo(versions: readonly string[]): string {
  return encodeVersionInfo(versions);
}

/** The text printed to stderr when no CNI_COMMAND is set and the plugin has an about string. */
export function formatAbout(about: string, versions: readonly string[]): string {
  return `${about}\nCNI protocol versions supported: ${versions.join(', ')}\n`;
}

// Typed failures of config loading. Messages keep upstream libcni's wording (libcni/conf.go) so operators' greps
// and runtimes' string matches keep working; the file at fault travels as `details` and as a property.
import { CNIError, ErrorCode } from '../spec/errors.ts';
import { clipValue } from '../spec/go-quote.ts';

/** Options shared by the config errors: the file (or dir) at fault and the underlying cause. */
export interface ConfigErrorOptions {
  readonly file?: string | undefined;
  readonly cause?: unknown;
}

function where(file: string | undefined): { details?: string } {
  return file === undefined ? {} : { details: `file ${file}` };
}

/** A config or config list that is not valid JSON (code 6) or breaks a config rule (code 7). */
export class ConfigParseError extends CNIError {
  override name = 'ConfigParseError' as const;
  /** The file the bytes came from, when known. */
  readonly file: string | undefined;

  constructor(code: number, msg: string, options: ConfigErrorOptions = {}) {
    super(code, msg, { ...where(options.file), cause: options.cause });
    this.file = options.file;
  }
}

/** A config file or directory that could not be read (code 5): `error reading <path>: <cause>`. */
export class ConfigReadError extends CNIError {
  override name = 'ConfigReadError' as const;
  readonly file: string;

  constructor(file: string, cause: unknown, msg?: string) {
    super(ErrorCode.IOFailure, msg ?? `error reading ${file}: ${causeText(cause)}`, { cause });
    this.file = file;
  }
}

/** The conf dir does not exist (code 7). Upstream reports this as "no net configurations found"; we keep that text. */
export class ConfDirMissingError extends CNIError {
  override name = 'ConfDirMissingError' as const;
  readonly dir: string;

  constructor(dir: string, cause?: unknown) {
    super(ErrorCode.InvalidNetworkConfig, `no net configurations found in ${dir}`, {
      details: 'the directory does not exist',
      cause,
    });
    this.dir = dir;
  }
}

/** The conf dir holds no .conf, .json or .conflist file (code 7; upstream's NoConfigsFoundError). */
export class NoConfigsFoundError extends CNIError {
  override name = 'NoConfigsFoundError' as const;
  readonly dir: string;

  constructor(dir: string) {
    super(ErrorCode.InvalidNetworkConfig, `no net configurations found in ${dir}`);
    this.dir = dir;
  }
}

/** No config in the conf dir has the wanted network name (code 7; upstream's NotFoundError). */
export class NetworkNotFoundError extends CNIError {
  override name = 'NetworkNotFoundError' as const;
  readonly dir: string;
  readonly network: string;

  constructor(dir: string, network: string) {
    super(ErrorCode.InvalidNetworkConfig, `no net configuration with name "${clipValue(network)}" in ${dir}`);
    this.dir = dir;
    this.network = network;
  }
}

/** The text of an unknown thrown value, for wrapping messages (`error reading x: <this>`). */
export function causeText(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

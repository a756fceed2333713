// The spec's error object as a typed class, so every layer reports failures the way plugins and runtimes do.

/** Well-known CNI error codes (SPEC.md "Error"). 100+ are plugin-specific. */
export const ErrorCode = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnvironment: 4,
  IOFailure: 5,
  DecodingFailure: 6,
  InvalidNetworkConfig: 7,
  /** The netns is the runtime's own, or unusable (upstream skel, not in the spec's table). */
  InvalidNetNS: 8,
  TryAgainLater: 11,
  PluginNotAvailable: 50,
  PluginNotAvailableLimitedConnectivity: 51,
  /** Used by libcni/skel for errors that carry no code of their own. */
  Internal: 999,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The spec's JSON error object. */
export interface CNIErrorJSON {
  readonly cniVersion?: string;
  readonly code: number;
  readonly msg: string;
  readonly details?: string;
}

const BRAND = Symbol.for('cnikit.CNIError');
const VERSION_SHAPE = /^\d+\.\d+\.\d+$/;

export interface CNIErrorOptions {
  readonly details?: string;
  readonly cause?: unknown;
}

/** A failure with a CNI code; `toJSON()` yields exactly the spec's error object. */
export class CNIError extends Error {
  override name = 'CNIError';
  readonly code: number;
  readonly msg: string;
  readonly details: string;

  constructor(code: number, msg: string, options: CNIErrorOptions = {}) {
    super(
      options.details ? `${msg}; ${options.details}` : msg,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.code = code;
    this.msg = msg;
    this.details = options.details ?? '';
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True for any CNIError, even one made by another copy of this package. */
  static is(value: unknown): value is CNIError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** The spec's error JSON (details omitted when empty), optionally stamped with a cniVersion. */
  toJSON(cniVersion?: string): CNIErrorJSON {
    // JSON.stringify calls toJSON(key) with the property name ('' at the top level), so only a value shaped like
    // a spec version is taken as one; otherwise `{"error": err}` would print `"cniVersion":"error"`.
    const base = cniVersion !== undefined && VERSION_SHAPE.test(cniVersion) ? { cniVersion } : {};
    return this.details
      ? { ...base, code: this.code, msg: this.msg, details: this.details }
      : { ...base, code: this.code, msg: this.msg };
  }
}

/** Several failures that travel together (every DEL plugin runs; GC sweeps all). `.errors` holds each. */
export class CNIAggregateError extends CNIError {
  override name = 'CNIAggregateError';
  readonly errors: readonly Error[];

  constructor(errors: readonly Error[], msg?: string) {
    const first = errors[0];
    const code = first !== undefined && CNIError.is(first) ? first.code : ErrorCode.Internal;
    super(code, msg ?? errors.map((e) => e.message).join('\n'));
    this.errors = errors;
  }
}

/** Wraps any thrown value as a CNIError, keeping a CNIError as is (skel and invoke boundaries). */
export function toCNIError(value: unknown, code: number = ErrorCode.Internal): CNIError {
  if (CNIError.is(value)) return value;
  if (value instanceof Error) return new CNIError(code, value.message, { cause: value });
  return new CNIError(code, String(value));
}

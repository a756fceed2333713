// What both spawn backends do alike with a running plugin: cap and keep its output, keep a stderr tail, forward
// stderr, and turn an abort or the time-out into an ending. Only starting, killing and reaping differ.

/** Limits and sinks of one run. */
export interface ChildLimits {
  readonly signal: AbortSignal | undefined;
  /** Milliseconds before the group is killed; <= 0 or Infinity means none. */
  readonly timeoutMs: number;
  /** Cap on stdout bytes, and separately on stderr bytes. */
  readonly maxOutputBytes: number;
  /** Receives stderr chunks as they arrive. */
  readonly stderr: (chunk: Uint8Array) => void;
}

/** What the run left behind, whatever the ending. */
interface Captured {
  readonly stdout: Buffer;
  /** The last STDERR_TAIL_BYTES bytes of stderr. */
  readonly stderrTail: Buffer;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How one run ended. */
export type ChildOutcome =
  | ({ readonly kind: 'exited' } & Captured)
  | ({ readonly kind: 'aborted'; readonly reason: unknown } & Captured)
  | ({ readonly kind: 'timeout'; readonly timeoutMs: number } & Captured)
  | ({ readonly kind: 'output-limit'; readonly stream: 'stdout' | 'stderr'; readonly limit: number } & Captured)
  | { readonly kind: 'spawn-error'; readonly code: string; readonly error: Error };

/** How much of stderr is kept for error messages. */
export const STDERR_TAIL_BYTES = 2048;
// After the plugin exits, how long a descendant may keep our pipes open before the group is killed. A plugin
// that daemonises without closing stdout would otherwise hang the call (Go's exec waits forever there).
export const LINGER_MS = 250;
/**
 * After the linger kill, how long to wait for EOF before closing the pipes on a descendant outside the group (a
 * setsid daemon). Short is safe: this timer is armed by the linger timer, so at least one poll phase, which reads
 * whatever the pipes still hold, runs before it fires.
 */
export const FORCE_CLOSE_MS = 500;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a run was cut short. */
export type Ending =
  | { readonly kind: 'aborted'; readonly reason: unknown }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'output-limit'; readonly stream: 'stdout' | 'stderr'; readonly limit: number };

/** The outcome of a call whose signal was aborted before the plugin started. */
export function abortedBeforeStart(signal: AbortSignal): ChildOutcome {
  const empty = Buffer.alloc(0);
  return { kind: 'aborted', reason: signal.reason, stdout: empty, stderrTail: empty, exitCode: null, signal: null };
}

/** One run's output and ending; `stop` is called once, with the first ending (the caller kills the group). */
export class OutputCapture {
  #chunks: Buffer[] = [];
  #stdoutBytes = 0;
  #stderrBytes = 0;
  #tail = Buffer.alloc(0);
  #ending: Ending | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #limits: ChildLimits;
  readonly #stop: () => void;
  readonly #onAbort = (): void => this.end({ kind: 'aborted', reason: this.#limits.signal?.reason });

  /** Starts watching the abort signal and the time-out of `limits`. */
  constructor(limits: ChildLimits, stop: () => void) {
    this.#limits = limits;
    this.#stop = stop;
    limits.signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (limits.timeoutMs > 0 && Number.isFinite(limits.timeoutMs)) {
      // setTimeout fires at once for delays past 2^31-1 ms; ~24.8 days is "never" for a plugin call.
      const ms = Math.min(limits.timeoutMs, MAX_TIMER_MS);
      this.#timer = setTimeout(() => this.end({ kind: 'timeout', timeoutMs: limits.timeoutMs }), ms);
    }
  }

  /** The first ending, if the run was cut short. */
  get ending(): Ending | undefined {
    return this.#ending;
  }

  /** Records an ending (the first one wins) and asks the backend to kill the group. */
  end(why: Ending): void {
    if (this.#ending !== undefined) return;
    this.#ending = why;
    this.#stop();
  }

  /** Takes a stdout chunk, or ends the run past the cap. */
  stdout(chunk: Buffer): void {
    if (this.#ending !== undefined) return;
    this.#stdoutBytes += chunk.length;
    if (this.#stdoutBytes > this.#limits.maxOutputBytes) {
      this.end({ kind: 'output-limit', stream: 'stdout', limit: this.#limits.maxOutputBytes });
      return;
    }
    this.#chunks.push(chunk);
  }

  /** Takes a stderr chunk: keeps its tail and forwards it to the caller's sink, or ends the run past the cap. */
  stderr(chunk: Buffer): void {
    if (this.#ending !== undefined) return;
    this.#stderrBytes += chunk.length;
    if (this.#stderrBytes > this.#limits.maxOutputBytes) {
      this.end({ kind: 'output-limit', stream: 'stderr', limit: this.#limits.maxOutputBytes });
      return;
    }
    const joined = Buffer.concat([this.#tail, chunk]);
    this.#tail = joined.length <= STDERR_TAIL_BYTES ? joined : joined.subarray(-STDERR_TAIL_BYTES);
    try {
      this.#limits.stderr(chunk);
    } catch {
      // a failing sink must not break the plugin call
    }
  }

  /** Stops the timers and listeners and builds the outcome for an exit with this status. */
  outcome(exitCode: number | null, signal: NodeJS.Signals | null): ChildOutcome {
    clearTimeout(this.#timer);
    this.#limits.signal?.removeEventListener('abort', this.#onAbort);
    const captured = { stdout: Buffer.concat(this.#chunks), stderrTail: this.#tail, exitCode, signal };
    return { ...(this.#ending ?? { kind: 'exited' }), ...captured };
  }

  /** Stops the timers and listeners of a run that never started. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#limits.signal?.removeEventListener('abort', this.#onAbort);
  }
}

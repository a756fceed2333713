// cnikit's default Exec: posix_spawn (or child_process where koffi/glibc are missing) in the plugin's own process group, with a time-out budget, an output
// cap, stderr forwarding and a bounded ETXTBSY retry (upstream retries too, but then returns empty output).
import { channel } from 'node:diagnostics_channel';
import { ErrorCode } from '../spec/errors.ts';
import { PluginError } from './errors.ts';
import { findInPath } from './find-in-path.ts';
import { failureOf, spawnText } from './plugin-failure.ts';
// The backend: posix_spawn through koffi on Linux-glibc (vfork cost, as Go), child_process elsewhere or with
// CNIKIT_SPAWN=child; see spawn-posix-select.ts.
import { runChild } from './spawn-posix-select.ts';
import type { Exec, ExecOptions } from './types.ts';

/** Defaults of an Exec; each call's ExecOptions override the first three. */
export interface ExecDefaults {
  /** Budget per call, retries included (default 120 000 ms); <= 0 or Infinity means none. */
  readonly timeoutMs?: number;
  /** Cap on stdout bytes and, separately, stderr bytes (default 16 MiB). */
  readonly maxOutputBytes?: number;
  /** Where plugin stderr goes (default process.stderr). */
  readonly stderr?: (chunk: Uint8Array) => void;
  /** Extra attempts after ETXTBSY (default 5, as upstream). */
  readonly textBusyRetries?: number;
  /** Pause before each ETXTBSY retry (default 1000 ms, as upstream). */
  readonly textBusyDelayMs?: number;
}

/** Default per-call budget: a plugin stuck for two minutes has outlived any CRI request that asked for it. */
export const DEFAULT_TIMEOUT_MS = 120_000;
/** Default cap on each of stdout and stderr. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** Published before each plugin exec: `{ pluginPath, command }`. Costs nothing without subscribers. */
export const execStartChannel = channel('cnikit:exec:start');
/** Published after each plugin exec: `{ pluginPath, command, durationMs, error? }`. */
export const execFinishChannel = channel('cnikit:exec:finish');

const writeStderr = (chunk: Uint8Array): void => {
  process.stderr.write(chunk);
};

/** Waits `ms`, or less when the signal fires or the deadline comes first; says which ended the wait. */
function pause(
  ms: number,
  signal: AbortSignal | undefined,
  deadline: number,
): Promise<'slept' | 'aborted' | 'timeout'> {
  if (signal?.aborted) return Promise.resolve('aborted');
  const left = deadline - Date.now();
  const timedOut = left < ms;
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(t);
      resolve('aborted');
    };
    const t = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(timedOut ? 'timeout' : 'slept');
      },
      Math.max(0, Math.min(ms, left)),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** cnikit's child_process-based Exec. */
export function createExec(defaults: ExecDefaults = {}): Exec {
  const retries = defaults.textBusyRetries ?? 5;
  const delayMs = defaults.textBusyDelayMs ?? 1000;

  async function execPlugin(
    pluginPath: string,
    stdin: Uint8Array,
    env: Readonly<Record<string, string>>,
    opts: ExecOptions,
  ): Promise<Uint8Array> {
    if (!execStartChannel.hasSubscribers && !execFinishChannel.hasSubscribers) {
      return run(pluginPath, stdin, env, opts);
    }
    const command = env.CNI_COMMAND ?? '';
    const started = performance.now();
    execStartChannel.publish({ pluginPath, command });
    try {
      const out = await run(pluginPath, stdin, env, opts);
      execFinishChannel.publish({ pluginPath, command, durationMs: performance.now() - started });
      return out;
    } catch (error) {
      execFinishChannel.publish({ pluginPath, command, durationMs: performance.now() - started, error });
      throw error;
    }
  }

  async function run(
    pluginPath: string,
    stdin: Uint8Array,
    env: Readonly<Record<string, string>>,
    opts: ExecOptions,
  ): Promise<Uint8Array> {
    const command = env.CNI_COMMAND ?? '';
    const timeoutMs = opts.timeoutMs ?? defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const bounded = timeoutMs > 0 && Number.isFinite(timeoutMs);
    const deadline = bounded ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY;
    const limits = {
      signal: opts.signal,
      maxOutputBytes: opts.maxOutputBytes ?? defaults.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      stderr: opts.stderr ?? defaults.stderr ?? writeStderr,
    };
    for (let attempt = 0; ; attempt++) {
      const remaining = bounded ? Math.max(1, deadline - Date.now()) : 0;
      const o = await runChild(pluginPath, stdin, env, { ...limits, timeoutMs: remaining });
      if (o.kind === 'exited' && o.exitCode === 0 && o.signal === null) return o.stdout;
      if (o.kind !== 'spawn-error') {
        // Report the caller's budget, not what was left of it after retries.
        throw failureOf(o.kind === 'timeout' ? { ...o, timeoutMs } : o, pluginPath, command);
      }
      const init = { pluginPath, command, cause: o.error };
      if (o.code !== 'ETXTBSY') {
        const invalidEnv = o.code === 'ERR_INVALID_ARG_VALUE' || o.code === 'ERR_INVALID_ARG_TYPE';
        const msg = invalidEnv
          ? `invalid plugin environment: ${o.error.message}`
          : `netplugin failed with no error message: ${spawnText(pluginPath, o.code, o.error)}`;
        throw new PluginError(invalidEnv ? ErrorCode.InvalidEnvironment : ErrorCode.IOFailure, msg, {
          ...init,
          reason: 'spawn',
        });
      }
      if (attempt >= retries) {
        throw new PluginError(
          ErrorCode.TryAgainLater,
          `netplugin failed with no error message: ${spawnText(pluginPath, o.code, o.error)}`,
          {
            ...init,
            reason: 'text-busy',
            details: `still busy after ${attempt + 1} attempts ${delayMs} ms apart; is the plugin binary being replaced?`,
          },
        );
      }
      const waited = await pause(delayMs, opts.signal, deadline);
      if (waited !== 'slept') {
        const why = waited === 'aborted' ? 'aborted by the caller' : `timed out after ${timeoutMs} ms`;
        throw new PluginError(
          ErrorCode.Internal,
          `netplugin failed with no error message: ${spawnText(pluginPath, o.code, o.error)}`,
          {
            ...init,
            reason: waited,
            details: `plugin ${pluginPath} (CNI_COMMAND=${command}) ${why} while waiting to retry`,
            cause: waited === 'aborted' ? opts.signal?.reason : o.error,
          },
        );
      }
    }
  }

  return { findInPath, execPlugin };
}

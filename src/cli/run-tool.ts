// Running the system tools the demo needs (ip, iptables-save) and cnikit itself, with output captured.
import { spawn } from 'node:child_process';

/** How a tool run ended. */
export interface ToolRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of one run. */
export interface ToolOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

/** Runs `cmd args` to completion and captures its output; rejects only when it cannot be started at all. */
export function runTool(cmd: string, args: readonly string[], opts: ToolOptions = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.env === undefined ? {} : { env: { ...opts.env } }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      // An abort also arrives here; the close event still follows and reports how the child ended.
      if (e.name !== 'AbortError') reject(new Error(`cannot run ${cmd}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** Runs a tool that must succeed; rejects with its stderr otherwise. */
export async function mustRun(cmd: string, args: readonly string[], opts: ToolOptions = {}): Promise<string> {
  const r = await runTool(cmd, args, opts);
  if (r.code !== 0) {
    const how = r.code === null ? `signal ${r.signal ?? '?'}` : `exit ${r.code}`;
    throw new Error(`${cmd} ${args.join(' ')} failed (${how}): ${r.stderr.trim()}`);
  }
  return r.stdout;
}

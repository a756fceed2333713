// Which containers are live. The cache knows the attachments whose ADD finished and whose netns still exists; the
// runtime (when asked through --live-from / --live-cmd) knows the rest. Anything we cannot tell is treated as live.
import { readFile } from 'node:fs/promises';
import { parseIp } from '../spec/index.ts';
import type { RunCommand } from './exec.ts';
import type { LivenessSummary } from './types.ts';

/** Where the runtime's live container IDs come from, if anywhere. */
export interface LiveSources {
  /** A file of container IDs, one a line ('#' comments and blank lines ignored). */
  readonly liveFrom?: string | undefined;
  /** A shell command printing container IDs, e.g. `crictl pods -q`. */
  readonly liveCmd?: string | undefined;
  readonly liveCmdTimeoutMs?: number | undefined;
}

/** The runtime's answer: IDs, or why it could not be had. */
export type ExternalLive =
  | { readonly ok: true; readonly ids: ReadonlySet<string>; readonly sources: readonly string[] }
  | { readonly ok: false; readonly error: string; readonly sources: readonly string[] };

/** Container IDs in a listing: one per line, whitespace-trimmed; '#' lines and blank lines skipped. */
export function parseIdList(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // `crictl pods -q` prints one ID a line; a table pasted by hand has the ID first.
    const id = line.split(/\s+/)[0];
    if (id !== undefined && id !== '') out.push(id);
  }
  return out;
}

/** Reads the runtime's live IDs; a failing source makes the whole answer unavailable (never "nobody is live"). */
export async function readExternalLive(src: LiveSources, run: RunCommand, signal?: AbortSignal): Promise<ExternalLive> {
  const ids = new Set<string>();
  const sources: string[] = [];
  if (src.liveFrom !== undefined) {
    sources.push(`file ${src.liveFrom}`);
    try {
      for (const id of parseIdList(await readFile(src.liveFrom, 'utf8'))) ids.add(id);
    } catch (e) {
      return {
        ok: false,
        error: `cannot read --live-from ${src.liveFrom}: ${e instanceof Error ? e.message : String(e)}`,
        sources,
      };
    }
  }
  if (src.liveCmd !== undefined) {
    sources.push(`command ${JSON.stringify(src.liveCmd)}`);
    try {
      const r = await run('/bin/sh', ['-c', src.liveCmd], {
        timeoutMs: src.liveCmdTimeoutMs ?? 30_000,
        ...(signal === undefined ? {} : { signal }),
      });
      if (r.code !== 0) {
        const why = r.stderr.trim() || `exit code ${r.code ?? 'signal'}`;
        return { ok: false, error: `--live-cmd failed: ${why}`, sources };
      }
      for (const id of parseIdList(r.stdout)) ids.add(id);
    } catch (e) {
      return { ok: false, error: `--live-cmd failed: ${e instanceof Error ? e.message : String(e)}`, sources };
    }
  }
  return { ok: true, ids, sources };
}

/** A normalised key for an IP address (16-byte form in hex), so 10.0.0.1 and ::ffff:10.0.0.1 compare equal. */
export function ipKey(text: string): string | undefined {
  const p = parseIp(text);
  return p === undefined ? undefined : Buffer.from(p.bytes).toString('hex');
}

/** The live set the probes judge against. */
export class Liveness {
  readonly available: boolean;
  readonly error: string | undefined;
  readonly sources: readonly string[];
  readonly #live: Set<string>;
  readonly #young: Set<string>;
  readonly #heldIps: Set<string>;
  readonly #youngIps: Set<string>;

  /** `available` false means every repair is withheld. */
  constructor(init: { available: boolean; error?: string | undefined; sources: readonly string[] }) {
    this.available = init.available;
    this.error = init.error;
    this.sources = init.sources;
    this.#live = new Set();
    this.#young = new Set();
    this.#heldIps = new Set();
    this.#youngIps = new Set();
  }

  /** Marks a container ID live. */
  addLive(containerId: string): void {
    this.#live.add(containerId);
  }

  /** Marks a container ID as having evidence younger than --min-age (an ADD may be in flight). */
  addYoung(containerId: string): void {
    this.#young.add(containerId);
  }

  /** Records an IP held by a live attachment (cached result or reservation). */
  addHeldIp(ip: string): void {
    const k = ipKey(ip);
    if (k !== undefined) this.#heldIps.add(k);
  }

  /** Records an IP reserved more recently than --min-age. */
  addYoungIp(ip: string): void {
    const k = ipKey(ip);
    if (k !== undefined) this.#youngIps.add(k);
  }

  /** True when the container is live. */
  isLive(containerId: string): boolean {
    return this.#live.has(containerId);
  }

  /** True when the container has young evidence. */
  isYoung(containerId: string): boolean {
    return this.#young.has(containerId);
  }

  /** True when a live attachment holds the IP. */
  holdsIp(ip: string): boolean {
    const k = ipKey(ip);
    return k !== undefined && this.#heldIps.has(k);
  }

  /** True when the IP was reserved recently. */
  isYoungIp(ip: string): boolean {
    const k = ipKey(ip);
    return k !== undefined && this.#youngIps.has(k);
  }

  /** Live container IDs (for the report). */
  liveIds(): string[] {
    return [...this.#live].sort();
  }

  /** For the report. */
  summary(): LivenessSummary {
    return { available: this.available, sources: this.sources, liveContainers: this.#live.size, error: this.error };
  }
}

// What every repair action needs: the command runner, the cache, the runtime (made on first DEL), the lock policy.
import type { ResultCache } from '../../cache/index.ts';
import type { CNI } from '../../runtime/index.ts';
import type { RunCommand } from '../exec.ts';
import type { LockOptions } from '../flock.ts';
import type { NetworkSet } from '../networks.ts';

/** The world repair actions act on. */
export interface RepairContext {
  readonly run: RunCommand;
  readonly cache: ResultCache;
  /** The runtime that DELs dead attachments. */
  readonly runtime: () => CNI;
  readonly networks: NetworkSet;
  readonly netnsDir: string;
  readonly minAgeMs: number;
  readonly lock: LockOptions;
  readonly now: () => number;
  readonly signal?: AbortSignal | undefined;
}

/** A thrown value's message. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// The runtime's public shapes, mirroring libcni's RuntimeConf / NetworkAttachment in TypeScript style.
import type { Exec } from '../invoke/index.ts';
import type { GCAttachment, Result } from '../spec/index.ts';

/** Per-attachment facts the runtime passes to plugins (libcni's RuntimeConf). */
export interface RuntimeConf {
  readonly containerId: string;
  readonly netns: string;
  readonly ifName: string;
  /** CNI_ARGS pairs, in order. */
  readonly args?: readonly (readonly [string, string])[];
  /** Capability arguments; each plugin receives only those its `capabilities` enable, as `runtimeConfig`. */
  readonly capabilityArgs?: Readonly<Record<string, unknown>>;
}

/** Options of every call. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface CNIOptions {
  /** Plugin search path (CNI_PATH order). */
  readonly path: readonly string[];
  /** Cache dir; results live in `<cacheDir>/results`. Default `/var/lib/cni`. */
  readonly cacheDir?: string;
  /** Plugin exec seam; default is cnikit's own child-process exec. */
  readonly exec?: Exec;
  /** Per-plugin-exec time-out in ms (default 5 minutes; 0 disables). */
  readonly timeoutMs?: number;
  /** Where plugin stderr goes (default process.stderr). */
  readonly stderr?: (chunk: Uint8Array) => void;
  /** Host-local `dataDir` default used to reconstruct prevResult (default `/var/lib/cni/networks`). */
  readonly ipamDataDir?: string;
}

/** Where DEL got the prevResult it passed to plugins. */
export type PrevResultSource = 'cache' | 'reconstructed' | 'none';

/** What a DEL did: which cache state it met, where prevResult came from, what it quarantined. */
export interface DelReport {
  readonly cacheState:
    | 'ok'
    | 'intent'
    | 'missing'
    | 'empty'
    | 'corrupt'
    | 'unconvertible'
    | 'unreadable-name'
    | 'not-read';
  readonly prevResultSource: PrevResultSource;
  readonly prevResult: Result | undefined;
  readonly quarantined: string | undefined;
  readonly pluginsRun: number;
}

/** A cached attachment (libcni's NetworkAttachment). */
export interface NetworkAttachment {
  readonly containerId: string;
  readonly network: string;
  readonly ifName: string;
  readonly config: Uint8Array;
  readonly netns: string;
  readonly cniArgs: readonly (readonly [string, string])[];
  readonly capabilityArgs: Readonly<Record<string, unknown>>;
  /** False for an intent record: an ADD that never finished. */
  readonly complete: boolean;
}

export interface GCArgs {
  /** Attachments that must survive; every other cached attachment of the network is deleted. */
  readonly validAttachments: readonly GCAttachment[];
}

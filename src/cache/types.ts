// The cache's data as types: the key of an attachment, a decoded cniCacheV1 record, and the outcomes of reading one.
import type { Result } from '../spec/types.ts';

/** The tuple that names one attachment, and so one cache file: `<networkName>-<containerId>-<ifName>`. */
export interface AttachmentKey {
  readonly networkName: string;
  readonly containerId: string;
  readonly ifName: string;
}

/** A decoded cniCacheV1 record, field for field what Go libcni's `cachedInfo` holds. */
export interface CacheEntry {
  readonly kind: 'cniCacheV1';
  readonly containerId: string;
  /** The config or config-list bytes (base64 on disk). */
  readonly config: Uint8Array;
  readonly ifName: string;
  readonly networkName: string;
  /** Omitted on disk when empty, as Go does (`omitempty`). */
  readonly netns?: string;
  readonly cniArgs: readonly (readonly [string, string])[];
  readonly capabilityArgs: Readonly<Record<string, unknown>>;
  /** The result JSON exactly as stored; undefined for an intent record (written before the plugins ran). */
  readonly result?: unknown;
}

/** What reading one cache file found. Callers switch on `state`; reading never throws for a bad file. */
export type CacheRead =
  | {
      readonly state: 'ok';
      readonly path: string;
      readonly entry: CacheEntry;
      readonly result: Result;
      /** True for a pre-cniCacheV1 file holding a bare result; its entry is synthesised (empty config, names from
       *  the key when read by key, else empty strings). */
      readonly legacy: boolean;
      readonly mtimeMs: number;
    }
  | { readonly state: 'intent'; readonly path: string; readonly entry: CacheEntry; readonly mtimeMs: number }
  | { readonly state: 'missing'; readonly path: string }
  | { readonly state: 'empty'; readonly path: string; readonly mtimeMs: number }
  | { readonly state: 'corrupt'; readonly path: string; readonly reason: string; readonly mtimeMs?: number };

/** Which attachments a listing reports. `knownNetworks` (from the conf dir) lets a bad file's name be split. */
export interface ListFilter {
  readonly containerId?: string;
  readonly networkName?: string;
  readonly knownNetworks?: readonly string[];
}

/** One file of results/, with its read outcome and the attachment it belongs to when that can be told. */
export interface ListedEntry {
  readonly path: string;
  readonly fileName: string;
  readonly read: CacheRead;
  readonly owner: AttachmentKey | undefined;
  /** 'entry': from the file's own fields; 'filename': recovered from the name; 'unknown': could not be told. */
  readonly ownerSource: 'entry' | 'filename' | 'unknown';
}

/** A well-formed cniCacheV1 record found by a listing of attachments; its result (if any) is not parsed. */
export interface CachedRecord {
  readonly path: string;
  readonly fileName: string;
  readonly entry: CacheEntry;
  /** True when the record has a result; false for an intent record (an ADD that never finished). */
  readonly complete: boolean;
  readonly mtimeMs: number;
}

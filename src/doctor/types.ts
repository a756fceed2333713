// The doctor's data: what probes find on a node, what a finding's fate is, and the actions a plan holds.
import type { DirProblemKind } from '../cache/index.ts';

/** Why a finding is or is not repaired. Only 'repair' ever leads to an action. */
export type Disposition =
  /** The owner is dead and the evidence is older than --min-age. */
  | 'repair'
  /** Younger than --min-age: an ADD may be in flight. */
  | 'young'
  /** The owner is live (the runtime or the cache says so). */
  | 'live'
  /** The owner cannot be told; unknown means live. */
  | 'unknown-owner'
  /** Shown for the operator, never repaired by the doctor. */
  | 'report-only'
  /** The live set could not be read (--live-cmd failed, cache unreadable): nothing is repaired. */
  | 'liveness-unavailable';

/** What every finding says about where it belongs. */
interface FindingCommon {
  readonly network: string | undefined;
  readonly containerId: string | undefined;
  readonly ifName: string | undefined;
  /** Age of the evidence (file mtime) in ms; undefined for kernel objects, which carry none. */
  readonly ageMs: number | undefined;
  readonly disposition: Disposition;
}

/** An iptables family, as iptables-save / ip6tables-save. */
export type IpFamily = 4 | 6;

/** One thing on the node that a crash (or a half-done teardown) left behind. */
export type Finding = FindingCommon &
  (
    | { readonly kind: 'cache-empty'; readonly path: string }
    | { readonly kind: 'cache-corrupt'; readonly path: string; readonly reason: string }
    | { readonly kind: 'cache-intent'; readonly path: string; readonly netns: string; readonly netnsExists: boolean }
    | { readonly kind: 'cache-netns-gone'; readonly path: string; readonly netns: string }
    | { readonly kind: 'cache-temp-stale'; readonly path: string }
    | { readonly kind: 'cache-quarantined'; readonly path: string }
    | {
        /** A cache directory another user owns, a group or everyone may write, or a symlink: report-only. */
        readonly kind: 'cache-dir-unsafe';
        readonly path: string;
        readonly problem: DirProblemKind;
        /** Permission bits of the path. */
        readonly mode: number;
        readonly uid: number | undefined;
      }
    | { readonly kind: 'ipam-leak'; readonly path: string; readonly ip: string; readonly storeDir: string }
    | {
        readonly kind: 'orphan-veth';
        readonly link: string;
        readonly ifindex: number;
        readonly master: string;
        readonly reason: string;
      }
    | {
        readonly kind: 'leaked-netns';
        readonly path: string;
        readonly name: string;
        readonly reason: 'dead-intent' | 'unreferenced';
      }
    | {
        readonly kind: 'iptables-stale-chain';
        readonly family: IpFamily;
        readonly table: string;
        readonly chain: string;
      }
    | {
        readonly kind: 'iptables-stale-rule';
        readonly family: IpFamily;
        readonly table: string;
        readonly chain: string;
        /** The rule as iptables-save printed it (`-A CHAIN ...`). */
        readonly rule: string;
        /** The rule's words after `-A CHAIN`, unquoted: what `iptables -D CHAIN` takes. */
        readonly spec: readonly string[];
        readonly ip: string | undefined;
        /** 'comment': names a dead container; 'firewall-ip': a firewall /32 (/128) for an IP nobody holds. */
        readonly reason: 'comment' | 'firewall-ip';
      }
  );

export type FindingKind = Finding['kind'];

/** Every finding kind, in the order reports list them. */
export const FINDING_KINDS: readonly FindingKind[] = [
  'cache-empty',
  'cache-corrupt',
  'cache-intent',
  'cache-netns-gone',
  'cache-temp-stale',
  'cache-quarantined',
  'cache-dir-unsafe',
  'ipam-leak',
  'orphan-veth',
  'leaked-netns',
  'iptables-stale-chain',
  'iptables-stale-rule',
];

/** An attachment the doctor will DEL through the runtime. */
export interface DelTarget {
  readonly network: string;
  readonly containerId: string;
  readonly ifName: string;
  /** The netns passed as CNI_NETNS ('' when none is known or it is gone: plugins skip in-netns work). */
  readonly netns: string;
  readonly netnsSource: 'cache' | 'discovered' | 'none';
}

/** What kind of change an action makes; also the `kind` label of cnikit_repairs_total. */
export type RepairKind =
  | 'del'
  | 'iptables-rule'
  | 'iptables-chain'
  | 'link'
  | 'ipam-reservation'
  | 'cache-quarantine'
  | 'netns'
  | 'temp-file';

/** One change a repair makes. */
export type Action =
  | {
      readonly kind: 'del';
      readonly target: DelTarget;
      /** The findings this DEL should clear; what it does not is removed afterwards. */
      readonly covers: readonly Finding[];
      /** A dead intent's netns, removed after the DEL. */
      readonly removeNetns: string | undefined;
    }
  | { readonly kind: 'remove'; readonly repair: Exclude<RepairKind, 'del'>; readonly finding: Finding };

/** How one action ended, after it was verified. */
export type ActionOutcome =
  | { readonly status: 'done'; readonly action: Action; readonly detail: string }
  | { readonly status: 'failed'; readonly action: Action; readonly error: string }
  | { readonly status: 'skipped'; readonly action: Action; readonly detail: string };

/** A probe that could not read the node; its findings are missing from the scan. */
export interface ProbeError {
  readonly probe: ProbeName;
  readonly message: string;
}

/** The doctor's probes, each of which can be skipped. */
export type ProbeName = 'config' | 'cache' | 'live' | 'ipam' | 'links' | 'netns' | 'iptables';

/** Cache entries by read state, for the cnikit_cache_entries gauge ('netns_gone' are ok entries whose netns is gone). */
export type CacheState = 'ok' | 'netns_gone' | 'intent' | 'empty' | 'corrupt';

/** Where the live set came from and how big it is. */
export interface LivenessSummary {
  readonly available: boolean;
  readonly sources: readonly string[];
  readonly liveContainers: number;
  readonly error: string | undefined;
}

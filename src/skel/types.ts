// What a plugin author writes against: the arguments of one call and the command handlers.
import type { PluginConf, Result } from '../spec/index.ts';

/** One invocation's CNI_* variables, raw stdin, and stdin parsed as the network config. */
export interface CmdArgs {
  readonly containerId: string;
  readonly netns: string;
  readonly ifName: string;
  readonly args: string;
  readonly path: string;
  readonly netnsOverride: string;
  readonly stdinData: Uint8Array;
  /** Stdin parsed and checked (name valid, spec keys of the right JSON type, cniVersion a string). */
  readonly config: PluginConf;
}

/** The handlers of a plugin; a missing handler is a successful no-op, as in upstream skel. */
export interface PluginFuncs {
  /** ADD: the returned result is printed converted to the config's cniVersion; undefined prints nothing. */
  add?(args: CmdArgs): Promise<Result | undefined> | Result | undefined;
  /** CHECK (config >= 0.4.0): throw to report a problem. */
  check?(args: CmdArgs): Promise<void> | void;
  /** DEL: must tolerate missing resources (spec §DEL). */
  del?(args: CmdArgs): Promise<void> | void;
  /** GC (config >= 1.1.0): see validAttachmentsOf. */
  gc?(args: CmdArgs): Promise<void> | void;
  /** STATUS (config >= 1.1.0): throw code 50/51 when not ready. */
  status?(args: CmdArgs): Promise<void> | void;
  /** Spec versions the plugin speaks; default every version cnikit supports. */
  readonly versions?: readonly string[];
  /** Printed to stderr when the plugin is run with no CNI_COMMAND, e.g. "CNI plugin foo v1.0.0". */
  readonly about?: string;
}

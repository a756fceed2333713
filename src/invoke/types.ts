// The shapes the exec layer exchanges with the runtime: which command, which CNI_* values, and how to run.

/** The CNI verbs a runtime sends in CNI_COMMAND. */
export type CNICommand = 'ADD' | 'CHECK' | 'DEL' | 'GC' | 'STATUS' | 'VERSION';

/** The CNI_* values of one plugin call (libcni's invoke.Args). */
export interface InvokeArgs {
  readonly command: CNICommand;
  readonly containerId?: string;
  readonly netns?: string;
  readonly ifName?: string;
  /** CNI_ARGS pairs, sent as `K=V;K2=V2`. */
  readonly pluginArgs?: readonly (readonly [string, string])[];
  /** Plugin search path, sent as CNI_PATH joined with ':'. */
  readonly path: readonly string[];
}

/** Per-call controls of a plugin exec. */
export interface ExecOptions {
  /** Aborting kills the plugin's whole process group. */
  readonly signal?: AbortSignal | undefined;
  /** Budget for the whole call, ETXTBSY retries included; <= 0 or Infinity means none. */
  readonly timeoutMs?: number | undefined;
  /** Where the plugin's stderr goes, chunk by chunk as it arrives. */
  readonly stderr?: ((chunk: Uint8Array) => void) | undefined;
  /** Cap on the bytes read from stdout, and separately from stderr. */
  readonly maxOutputBytes?: number | undefined;
}

/** The seam the runtime receives: embedders and tests can substitute their own. */
export interface Exec {
  /** Resolves the plugin's executable in the search path, in order. */
  findInPath(pluginType: string, paths: readonly string[]): Promise<string>;
  /** Runs the plugin; resolves its stdout on exit 0, rejects with PluginError (or another CNIError) otherwise. */
  execPlugin(
    pluginPath: string,
    stdin: Uint8Array,
    env: Readonly<Record<string, string>>,
    opts: ExecOptions,
  ): Promise<Uint8Array>;
}

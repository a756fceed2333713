export { dnatChain, masqChain, SHARED_CHAINS } from './chain-names.ts';
export { CLI_PATH, hasCli, runCli, type ToolEnv, toolEnv } from './cli.ts';
export {
  CAPABILITY_ARGS,
  type ChainOptions,
  checkableChain,
  gatewayOf,
  ipamDataDir,
  PORT_MAPPINGS,
  realisticChain,
  tuningDataDir,
  writeConflist,
} from './confs.ts';
export { bundleDriver } from './driver-bundle.ts';
export { GO_TOOL_PATH, hasGoTool, runGoTool } from './go-tool.ts';
export { hostExec } from './host-exec.ts';
export { describeInventory, type Inventory, type InventoryQuery, inventory } from './inventory.ts';
export { type KillableRun, spawnKillable } from './kill-tree.ts';
export { type ContainerNetns, type HostNetns, NETNS_DIR, REFERENCE_PLUGIN_DIR, withHostNetns } from './netns.ts';
export { PLUGINS_BIN, REPO_ROOT } from './paths.ts';
export { hasPing, type ProbeResult, reachGateway, tcpProbe } from './reachability.ts';
export { rootSuiteSkipReason, skipUnlessRoot } from './root-env.ts';
export { type RunOptions, type RunResult, run, runOk } from './run.ts';

// What the CLI needs of the lower layers comes through here, so it depends on the runtime alone (ARCHITECTURE.md).
export { type CacheEntry, type CacheRead, type ListedEntry, ResultCache } from '../cache/index.ts';
export { listConfFiles, loadNetworkConfigList, type NetworkConfigList } from '../config/index.ts';
export { CheckNotSupportedError } from './check.ts';
export { CNI, DEFAULT_IPAM_DATA_DIR, GCError } from './cni.ts';
export type { GCReport } from './gc.ts';
export { hostLocalStores, reservationsOf } from './reconstruct.ts';
export type * from './types.ts';

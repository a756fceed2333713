export { CheckNotSupportedError } from './check.ts';
export { CNI, DEFAULT_IPAM_DATA_DIR, GCError } from './cni.ts';
export type { GCReport } from './gc.ts';
export { hostLocalStores, reservationsOf } from './reconstruct.ts';
export type * from './types.ts';

export * from './errors.ts';
export * from './go-quote.ts';
export * from './ip-address.ts';
export { decodeJsonInput, isRecord, ownField, type UnknownRecord } from './json-input.ts';
export * from './names.ts';
export * from './result/index.ts';
export type * from './types.ts';
export * from './version.ts';

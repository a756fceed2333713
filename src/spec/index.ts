export * from './errors.ts';
export * from './names.ts';
export type * from './types.ts';
export * from './version.ts';

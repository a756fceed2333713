// Which result shape a spec version uses, so parse, print and convert can switch on one small union.
import type { Result, Result020, Result040, Result100 } from '../types.ts';

/** The three result shapes: 0.1.0–0.2.0, 0.3.0–0.4.0 and 1.0.0–1.1.0. */
export type ResultFamily = '020' | '040' | '100';

const FAMILY: Readonly<Record<string, ResultFamily>> = {
  '0.1.0': '020',
  '0.2.0': '020',
  '0.3.0': '040',
  '0.3.1': '040',
  '0.4.0': '040',
  '1.0.0': '100',
  '1.1.0': '100',
};

/** The result family of a spec version, or undefined for a version no result type implements. */
export function resultFamily(version: string): ResultFamily | undefined {
  return Object.hasOwn(FAMILY, version) ? FAMILY[version] : undefined;
}

/** True for a 0.1.0 / 0.2.0 result. */
export function isResult020(r: Result): r is Result020 {
  return resultFamily(r.cniVersion) === '020';
}

/** True for a 0.3.x / 0.4.0 result. */
export function isResult040(r: Result): r is Result040 {
  return resultFamily(r.cniVersion) === '040';
}

/** True for a 1.0.0 / 1.1.0 result. */
export function isResult100(r: Result): r is Result100 {
  return resultFamily(r.cniVersion) === '100';
}

/** True when `v` is a version whose result has the 0.1.0 / 0.2.0 shape. */
export function is020Version(v: string): v is Result020['cniVersion'] {
  return v === '0.1.0' || v === '0.2.0';
}

/** True when `v` is a version whose result has the 0.3.x / 0.4.0 shape. */
export function is040Version(v: string): v is Result040['cniVersion'] {
  return v === '0.3.0' || v === '0.3.1' || v === '0.4.0';
}

/** True when `v` is a version whose result has the 1.0.0 / 1.1.0 shape. */
export function is100Version(v: string): v is Result100['cniVersion'] {
  return v === '1.0.0' || v === '1.1.0';
}

// Converts a result to any other spec version, edge by edge (see convert-edges.ts for what each edge loses).
import { CNIError, ErrorCode } from '../errors.ts';
import type { Result } from '../types.ts';
import { from020To040, from040To020, from040To100, from100To040 } from './convert-edges.ts';
import { is020Version, is040Version, is100Version, isResult020, isResult040 } from './family.ts';

function noConverter(from: string, to: string): CNIError {
  return new CNIError(ErrorCode.IncompatibleVersion, `no converter for CNI result version ${from} to ${to}`);
}

/**
 * Returns `r` as spec version `to` ('' means 0.1.0, as upstream): the same object when the version already
 * matches, a restamped copy within a family, else the family edges. Code 1 for an unknown version or a
 * conversion to 0.1.0/0.2.0 that would leave no IP address.
 */
export function convertResult(r: Result, to: string): Result {
  const target = to === '' ? '0.1.0' : to;
  if (r.cniVersion === target) return r;
  if (!is020Version(r.cniVersion) && !is040Version(r.cniVersion) && !is100Version(r.cniVersion)) {
    throw noConverter(r.cniVersion, target);
  }
  if (isResult020(r)) {
    if (is020Version(target)) return { ...r, cniVersion: target };
    if (is040Version(target)) return from020To040(r, target);
    if (is100Version(target)) return from040To100(from020To040(r, '0.4.0'), target);
  } else if (isResult040(r)) {
    if (is020Version(target)) return from040To020(r, target);
    if (is040Version(target)) return { ...r, cniVersion: target };
    if (is100Version(target)) return from040To100(r, target);
  } else {
    if (is020Version(target)) return from040To020(from100To040(r, '0.4.0'), target);
    if (is040Version(target)) return from100To040(r, target);
    if (is100Version(target)) return { ...r, cniVersion: target };
  }
  throw noConverter(r.cniVersion, target);
}

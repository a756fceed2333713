// One rule for every probe: what may be repaired. Dead and old enough: yes. Live, young, unknown: never.
import type { Liveness } from './liveness.ts';
import type { Disposition } from './types.ts';

/** How old evidence must be before the doctor acts on it, and the live set it judges against. */
export interface Judge {
  readonly liveness: Liveness;
  readonly minAgeMs: number;
}

/** The disposition of evidence owned by `containerId` (undefined: owner unknown) whose age is `ageMs`. */
export function judgeOwner(j: Judge, containerId: string | undefined, ageMs: number | undefined): Disposition {
  if (!j.liveness.available) return 'liveness-unavailable';
  if (containerId === undefined) return 'unknown-owner';
  if (j.liveness.isLive(containerId)) return 'live';
  if ((ageMs !== undefined && ageMs < j.minAgeMs) || j.liveness.isYoung(containerId)) return 'young';
  return 'repair';
}

/** The disposition of ownerless evidence that is garbage whoever owns it (an empty or corrupt file). */
export function judgeGarbage(j: Judge, ageMs: number | undefined): Disposition {
  if (!j.liveness.available) return 'liveness-unavailable';
  if (ageMs !== undefined && ageMs < j.minAgeMs) return 'young';
  return 'repair';
}

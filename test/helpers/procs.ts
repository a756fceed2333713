// The process table and our own descriptors, read from /proc: what a hostile plugin may leave behind.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** One process as /proc/<pid>/stat tells it. */
export interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
}

/** The stat of `pid`, or undefined when it is gone. */
export function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the fields after the last ')' are fixed.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: f[0] ?? '?', ppid: Number(f[1]), pgrp: Number(f[2]) };
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/**
 * Gone for good: not in the table, or a zombie someone else must reap (in this sandbox pid 1 does not reap orphans,
 * so an orphan's zombie lingers; it holds no resources and is not ours).
 */
export function isGone(pid: number): boolean {
  const p = procStat(pid);
  return p === undefined || (p.state === 'Z' && p.ppid !== process.pid);
}

/** Live members of process group `pgrp` (zombies not ours to reap excluded). */
export function groupMembers(pgrp: number): number[] {
  return allPids().filter((pid) => procStat(pid)?.pgrp === pgrp && !isGone(pid));
}

/** Zombies whose parent is this process: what a missing waitpid leaves. */
export function ourZombies(): number[] {
  return allPids().filter((pid) => {
    const p = procStat(pid);
    return p !== undefined && p.state === 'Z' && p.ppid === process.pid;
  });
}

/** Open file descriptors of this process. */
export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Polls until `ok()` or the time is up; returns whether it held. */
export async function eventually(ok: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (ok()) return true;
    if (Date.now() > end) return false;
    await sleep(20);
  }
}

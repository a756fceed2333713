// host-local's stores: one file per reserved IP (`<dataDir>/<network>/<ip>`) holding `<containerID>\r\n<ifname>`
// (older versions: just the ID). `lock` and `last_reserved_ip.*` belong to host-local and are never reported.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parseIp } from '../../spec/index.ts';
import { type Judge, judgeOwner } from '../judge.ts';
import type { Liveness } from '../liveness.ts';
import type { KnownNetwork } from '../networks.ts';
import type { Finding } from '../types.ts';

/** One reservation file. */
export interface Reservation {
  readonly network: string;
  readonly storeDir: string;
  readonly ip: string;
  readonly path: string;
  /** Undefined when the file is empty or unreadable. */
  readonly containerId: string | undefined;
  /** Undefined for the old one-line format. */
  readonly ifName: string | undefined;
  readonly ageMs: number;
}

/** What the IPAM probe read. */
export interface IpamScan {
  readonly reservations: readonly Reservation[];
  /** Networks whose store could not be read: their IPs are of unknown ownership. */
  readonly unreadable: ReadonlySet<string>;
  readonly errors: readonly string[];
}

/** True for names host-local keeps for itself. */
export function isHostLocalOwnFile(name: string): boolean {
  return name === 'lock' || name.startsWith('last_reserved_ip');
}

/** Parses a reservation's content: `<cid>\r\n<ifname>`, `<cid>\n<ifname>` or `<cid>`. */
export function parseReservation(text: string): { containerId: string | undefined; ifName: string | undefined } {
  const [first, second] = text.split(/\r?\n/).map((s) => s.trim());
  const containerId = first === undefined || first === '' ? undefined : first;
  const ifName = second === undefined || second === '' ? undefined : second;
  return { containerId, ifName };
}

async function readStore(net: string, storeDir: string, now: number, out: Reservation[]): Promise<void> {
  let names: string[];
  try {
    names = await readdir(storeDir);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return; // nothing reserved yet
    throw e;
  }
  let n = 0;
  for (const name of names) {
    if (isHostLocalOwnFile(name) || parseIp(name) === undefined) continue;
    // Let the event loop breathe (a --watch server answers /metrics meanwhile).
    if (++n % 1000 === 0) await yieldToLoop();
    const path = join(storeDir, name);
    const file = readSmallFile(path);
    if (file === undefined) continue;
    const { containerId, ifName } = parseReservation(file.text);
    const ageMs = Math.max(0, Math.round(now - file.mtimeMs));
    out.push({ network: net, storeDir, ip: name, path, containerId, ifName, ageMs });
  }
}

/**
 * A regular file's first bytes and mtime, never following a symlink; undefined for anything else. Synchronous on
 * purpose: a reservation is a few bytes, and a pool round trip per call made big stores slow (bench/doctor-scan).
 */
function readSmallFile(path: string): { text: string; mtimeMs: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const buf = Buffer.alloc(512);
    const len = readSync(fd, buf, 0, buf.length, 0);
    return { text: buf.subarray(0, len).toString('utf8'), mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Reads every host-local store of the known networks; never changes a file. */
export async function probeIpam(networks: readonly KnownNetwork[], now: number): Promise<IpamScan> {
  const reservations: Reservation[] = [];
  const unreadable = new Set<string>();
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const net of networks) {
    for (const dir of net.storeDirs) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      try {
        await readStore(net.name, dir, now, reservations);
      } catch (e) {
        unreadable.add(net.name);
        errors.push(`cannot read host-local store ${dir}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  return { reservations, unreadable, errors };
}

/** Feeds reservations into the live set: young ones mark their owner and IP young; live owners hold their IP. */
export function noteReservations(scan: IpamScan, live: Liveness, minAgeMs: number): void {
  for (const r of scan.reservations) {
    if (r.ageMs < minAgeMs) {
      live.addYoungIp(r.ip);
      if (r.containerId !== undefined) live.addYoung(r.containerId);
    }
  }
}

/** After the live set is complete: IPs reserved by live containers (or by nobody we can name) are held. */
export function holdReservedIps(scan: IpamScan, live: Liveness): void {
  for (const r of scan.reservations) {
    if (r.containerId === undefined || live.isLive(r.containerId)) live.addHeldIp(r.ip);
  }
}

/** Reservations whose owner is not live. An unreadable owner is reported and kept (unknown means live). */
export function ipamFindings(scan: IpamScan, judge: Judge): Finding[] {
  const out: Finding[] = [];
  for (const r of scan.reservations) {
    if (r.containerId !== undefined && judge.liveness.isLive(r.containerId)) continue;
    out.push({
      kind: 'ipam-leak',
      network: r.network,
      containerId: r.containerId,
      ifName: r.ifName,
      ageMs: r.ageMs,
      path: r.path,
      ip: r.ip,
      storeDir: r.storeDir,
      disposition: judgeOwner(judge, r.containerId, r.ageMs),
    });
  }
  return out;
}

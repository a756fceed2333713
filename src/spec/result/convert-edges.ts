// One function per conversion edge between result families, following libcni's converters (pkg/types/040 and
// pkg/types/100). Paths that skip a family (0.2.0 <-> 1.x) compose two edges through 0.4.0, as upstream does.
import { CNIError, ErrorCode } from '../errors.ts';
import { ipFamilyOf } from '../ip-address.ts';
import type {
  DNS,
  Interface040,
  Interface100,
  IPConfig020,
  IPConfig040,
  IPConfig100,
  Result020,
  Result040,
  Result100,
  Route040,
} from '../types.ts';
import type { Mutable } from './narrow.ts';

/** A deep copy of `d` without empty fields; undefined when nothing is left (Go's DNS.Copy + IsEmpty). */
export function copyDns(d: DNS | undefined): DNS | undefined {
  if (d === undefined) return undefined;
  const out: Mutable<DNS> = {};
  if (d.nameservers !== undefined && d.nameservers.length > 0) out.nameservers = [...d.nameservers];
  if (d.domain !== undefined && d.domain !== '') out.domain = d.domain;
  if (d.search !== undefined && d.search.length > 0) out.search = [...d.search];
  if (d.options !== undefined && d.options.length > 0) out.options = [...d.options];
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Only `dst` and `gw`: what 0.x routes can carry. */
function plainRoute(r: Route040): Route040 {
  return r.gw === undefined ? { dst: r.dst } : { dst: r.dst, gw: r.gw };
}

function plainInterface(i: Interface040 | Interface100): Interface040 {
  const out: Mutable<Interface040> = { name: i.name };
  if (i.mac !== undefined) out.mac = i.mac;
  if (i.sandbox !== undefined) out.sandbox = i.sandbox;
  return out;
}

function nonEmpty<T>(list: readonly T[]): readonly T[] | undefined {
  return list.length > 0 ? list : undefined;
}

/** Builds a 0.3.x/0.4.0 or 1.x result from its parts, leaving out empty lists and an empty dns. */
function assemble<R extends Result040 | Result100>(
  base: Mutable<R>,
  interfaces: readonly NonNullable<R['interfaces']>[number][],
  ips: readonly NonNullable<R['ips']>[number][],
  routes: readonly NonNullable<R['routes']>[number][],
  dns: DNS | undefined,
): R {
  const i = nonEmpty(interfaces);
  const p = nonEmpty(ips);
  const r = nonEmpty(routes);
  if (i !== undefined) base.interfaces = i;
  if (p !== undefined) base.ips = p;
  if (r !== undefined) base.routes = r;
  if (dns !== undefined) base.dns = dns;
  return base;
}

function ipFrom020(c: IPConfig020, version: '4' | '6'): IPConfig040 {
  return c.gateway === undefined ? { version, address: c.ip } : { version, address: c.ip, gateway: c.gateway };
}

/** 0.1.0/0.2.0 -> 0.3.x/0.4.0: ip4 then ip6 become `ips`; their routes are concatenated; no interfaces. */
export function from020To040(r: Result020, to: Result040['cniVersion']): Result040 {
  const ips: IPConfig040[] = [];
  const routes: Route040[] = [];
  if (r.ip4 !== undefined) {
    ips.push(ipFrom020(r.ip4, '4'));
    for (const route of r.ip4.routes ?? []) routes.push(plainRoute(route));
  }
  if (r.ip6 !== undefined) {
    ips.push(ipFrom020(r.ip6, '6'));
    for (const route of r.ip6.routes ?? []) routes.push(plainRoute(route));
  }
  return assemble<Result040>({ cniVersion: to }, [], ips, routes, copyDns(r.dns));
}

/**
 * 0.3.x/0.4.0 -> 0.1.0/0.2.0: the first `version` "4" and first "6" IP survive; each route joins the config of
 * its dst's family or is dropped; interfaces and other IPs are lost. No IP at all cannot be expressed.
 */
export function from040To020(r: Result040, to: Result020['cniVersion']): Result020 {
  let ip4: Mutable<IPConfig020> | undefined;
  let ip6: Mutable<IPConfig020> | undefined;
  for (const ip of r.ips ?? []) {
    const c: Mutable<IPConfig020> = { ip: ip.address };
    if (ip.gateway !== undefined) c.gateway = ip.gateway;
    if (ip.version === '4' && ip4 === undefined) ip4 = c;
    else if (ip.version === '6' && ip6 === undefined) ip6 = c;
    if (ip4 !== undefined && ip6 !== undefined) break;
  }
  if (ip4 === undefined && ip6 === undefined) {
    throw new CNIError(ErrorCode.IncompatibleVersion, 'cannot convert: no valid IP addresses');
  }
  for (const route of r.routes ?? []) {
    const target = ipFamilyOf(route.dst) === '4' ? ip4 : ip6;
    if (target !== undefined) target.routes = [...(target.routes ?? []), plainRoute(route)];
  }
  const out: Mutable<Result020> = { cniVersion: to };
  if (ip4 !== undefined) out.ip4 = ip4;
  if (ip6 !== undefined) out.ip6 = ip6;
  const dns = copyDns(r.dns);
  if (dns !== undefined) out.dns = dns;
  return out;
}

/** 0.3.x/0.4.0 -> 1.x: `version` is dropped from ips; everything else is kept. */
export function from040To100(r: Result040, to: Result100['cniVersion']): Result100 {
  const ips = (r.ips ?? []).map((ip): IPConfig100 => {
    const c: Mutable<IPConfig100> = { address: ip.address };
    if (ip.interface !== undefined) c.interface = ip.interface;
    if (ip.gateway !== undefined) c.gateway = ip.gateway;
    return c;
  });
  const interfaces = (r.interfaces ?? []).map(plainInterface);
  const routes = (r.routes ?? []).map(plainRoute);
  return assemble<Result100>({ cniVersion: to }, interfaces, ips, routes, copyDns(r.dns));
}

/**
 * 1.x -> 0.3.x/0.4.0: ips gain `version` from their address family; interface mtu/socketPath/pciID and route
 * mtu/advmss/priority/table/scope are dropped (0.x has no place for them).
 */
export function from100To040(r: Result100, to: Result040['cniVersion']): Result040 {
  const ips = (r.ips ?? []).map((ip): IPConfig040 => {
    const c: Mutable<IPConfig040> = { version: ipFamilyOf(ip.address), address: ip.address };
    if (ip.interface !== undefined) c.interface = ip.interface;
    if (ip.gateway !== undefined) c.gateway = ip.gateway;
    return c;
  });
  const interfaces = (r.interfaces ?? []).map(plainInterface);
  const routes = (r.routes ?? []).map(plainRoute);
  return assemble<Result040>({ cniVersion: to }, interfaces, ips, routes, copyDns(r.dns));
}

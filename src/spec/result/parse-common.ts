// Readers for the parts every result family shares: dns and routes.
import type { DNS, Route040, Route100 } from '../types.ts';
import {
  asRecord,
  at,
  cidrField,
  type Mutable,
  optInt,
  optIpField,
  optString,
  optStringArray,
  read,
} from './narrow.ts';

/** Reads `dns`; undefined when absent or when every field is empty (Go's DNS.IsEmpty). */
export function parseDns(v: unknown, path: string): DNS | undefined {
  if (v === undefined || v === null) return undefined;
  const obj = asRecord(v, path);
  const dns: Mutable<DNS> = {};
  const nameservers = optStringArray(obj, 'nameservers', path);
  const domain = optString(obj, 'domain', path);
  const search = optStringArray(obj, 'search', path);
  const options = optStringArray(obj, 'options', path);
  if (nameservers !== undefined) dns.nameservers = nameservers;
  if (domain !== undefined) dns.domain = domain;
  if (search !== undefined) dns.search = search;
  if (options !== undefined) dns.options = options;
  return Object.keys(dns).length === 0 ? undefined : dns;
}

/** Reads a 0.x route: `dst` (required CIDR) and `gw`. */
export function parseRoute040(v: unknown, path: string): Route040 {
  const obj = asRecord(v, path);
  const route: Mutable<Route040> = { dst: cidrField(obj, 'dst', path) };
  const gw = optIpField(obj, 'gw', path);
  if (gw !== undefined) route.gw = gw;
  return route;
}

/** Reads a 1.x route, adding mtu/advmss/priority (0 means unset, as Go's omitempty) and table/scope (0 kept). */
export function parseRoute100(v: unknown, path: string): Route100 {
  const obj = asRecord(v, path);
  const route: Mutable<Route100> = { ...parseRoute040(obj, path) };
  for (const key of ['mtu', 'advmss', 'priority'] as const) {
    const n = optInt(obj, key, path);
    if (n !== undefined && n !== 0) route[key] = n;
  }
  for (const key of ['table', 'scope'] as const) {
    const n = optInt(obj, key, path);
    if (n !== undefined) route[key] = n;
  }
  return route;
}

/** Reads the top-level `dns` of a result object. */
export function topDns(obj: { readonly [key: string]: unknown }): DNS | undefined {
  return parseDns(read(obj, 'dns'), at('', 'dns'));
}

// A result as the JSON a Go plugin would print for its version: struct field order and `dns: {}` for 0.x,
// key-sorted objects without an empty `dns` for 1.x (types100's MarshalJSON goes through a map).
import type {
  DNS,
  Interface040,
  Interface100,
  IPConfig020,
  IPConfig040,
  IPConfig100,
  JsonObject,
  JsonValue,
  Result,
  Result020,
  Result040,
  Result100,
  Route040,
  Route100,
} from '../types.ts';
import { isResult020, isResult040 } from './family.ts';

type Obj = { [key: string]: JsonValue };

function putString(o: Obj, key: string, v: string | undefined): void {
  if (v !== undefined && v !== '') o[key] = v;
}
function putList(o: Obj, key: string, v: readonly JsonValue[] | undefined): void {
  if (v !== undefined && v.length > 0) o[key] = v;
}
function putNonZero(o: Obj, key: string, v: number | undefined): void {
  if (v !== undefined && v !== 0) o[key] = v;
}

function dnsJson(d: DNS | undefined): Obj {
  const o: Obj = {};
  putList(o, 'nameservers', d?.nameservers);
  putString(o, 'domain', d?.domain);
  putList(o, 'search', d?.search);
  putList(o, 'options', d?.options);
  return o;
}

function routeJson(r: Route040 | Route100, rich: boolean): Obj {
  const o: Obj = { dst: r.dst };
  putString(o, 'gw', r.gw);
  if (rich) {
    const x: Route100 = r;
    putNonZero(o, 'mtu', x.mtu);
    putNonZero(o, 'advmss', x.advmss);
    putNonZero(o, 'priority', x.priority);
    if (x.table !== undefined) o.table = x.table;
    if (x.scope !== undefined) o.scope = x.scope;
  }
  return o;
}

function ip020Json(c: IPConfig020): Obj {
  const o: Obj = { ip: c.ip };
  putString(o, 'gateway', c.gateway);
  putList(
    o,
    'routes',
    c.routes?.map((r) => routeJson(r, false)),
  );
  return o;
}

function json020(r: Result020): Obj {
  const o: Obj = { cniVersion: r.cniVersion };
  if (r.ip4 !== undefined) o.ip4 = ip020Json(r.ip4);
  if (r.ip6 !== undefined) o.ip6 = ip020Json(r.ip6);
  o.dns = dnsJson(r.dns);
  return o;
}

function interfaceJson(i: Interface040 | Interface100, rich: boolean): Obj {
  const o: Obj = { name: i.name };
  putString(o, 'mac', i.mac);
  const x: Interface100 = i;
  if (rich) putNonZero(o, 'mtu', x.mtu);
  putString(o, 'sandbox', i.sandbox);
  if (rich) {
    putString(o, 'socketPath', x.socketPath);
    putString(o, 'pciID', x.pciID);
  }
  return o;
}

function ipJson(c: IPConfig040 | IPConfig100, version: string | undefined): Obj {
  const o: Obj = version === undefined ? {} : { version };
  if (c.interface !== undefined) o.interface = c.interface;
  o.address = c.address;
  putString(o, 'gateway', c.gateway);
  return o;
}

function json040(r: Result040): Obj {
  const o: Obj = { cniVersion: r.cniVersion };
  putList(
    o,
    'interfaces',
    r.interfaces?.map((i) => interfaceJson(i, false)),
  );
  putList(
    o,
    'ips',
    r.ips?.map((c) => ipJson(c, c.version)),
  );
  putList(
    o,
    'routes',
    r.routes?.map((x) => routeJson(x, false)),
  );
  o.dns = dnsJson(r.dns);
  return o;
}

function sortKeys(v: JsonValue): JsonValue {
  if (typeof v !== 'object' || v === null) return v;
  if (isJsonArray(v)) return v.map(sortKeys);
  return sortObject(v);
}

function isJsonArray(v: readonly JsonValue[] | JsonObject): v is readonly JsonValue[] {
  return Array.isArray(v);
}

function sortObject(src: JsonObject): Obj {
  const o: Obj = {};
  for (const key of Object.keys(src).sort()) {
    const child = src[key];
    if (child !== undefined) o[key] = sortKeys(child);
  }
  return o;
}

function json100(r: Result100): Obj {
  const o: Obj = { cniVersion: r.cniVersion };
  putList(
    o,
    'interfaces',
    r.interfaces?.map((i) => interfaceJson(i, true)),
  );
  putList(
    o,
    'ips',
    r.ips?.map((c) => ipJson(c, undefined)),
  );
  putList(
    o,
    'routes',
    r.routes?.map((x) => routeJson(x, true)),
  );
  const dns = dnsJson(r.dns);
  if (Object.keys(dns).length > 0) o.dns = dns;
  return sortObject(o);
}

/** The JSON object a plugin prints for `r` in its own version (Go's field order, omitempty and dns rules). */
export function resultToJSON(r: Result): JsonObject {
  if (isResult020(r)) return json020(r);
  if (isResult040(r)) return json040(r);
  return json100(r);
}

// Go's encoder escapes these inside strings; they never occur outside strings in JSON text.
const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** Serialises a JSON value as Go's json.MarshalIndent(v, "", "    ") does: HTML-safe, no trailing newline. */
export function goIndentJson(v: JsonValue): string {
  return JSON.stringify(v, null, 4).replace(/[<>&\u2028\u2029]/g, (ch) => GO_ESCAPES[ch] ?? ch);
}

/** The exact text Go's result.Print() writes for `r` (4-space indent, no trailing newline). */
export function printResult(r: Result): string {
  return goIndentJson(resultToJSON(r));
}

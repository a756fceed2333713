// Decoder for 0.3.0 / 0.3.1 / 0.4.0 results: interfaces, ips (with `version`), routes, dns.
import { ipFamilyOf } from '../ip-address.ts';
import type { UnknownRecord } from '../json-input.ts';
import type { Interface040, IPConfig040, Result040 } from '../types.ts';
import {
  asRecord,
  at,
  cidrField,
  fail,
  type Mutable,
  optArray,
  optInt,
  optIpField,
  optString,
  plainString,
} from './narrow.ts';
import { parseRoute040, topDns } from './parse-common.ts';

function parseInterface(v: unknown, path: string): Interface040 {
  const obj = asRecord(v, path);
  const intf: Mutable<Interface040> = { name: plainString(obj, 'name', path) };
  const mac = optString(obj, 'mac', path);
  const sandbox = optString(obj, 'sandbox', path);
  if (mac !== undefined) intf.mac = mac;
  if (sandbox !== undefined) intf.sandbox = sandbox;
  return intf;
}

function parseIpConfig(v: unknown, path: string): IPConfig040 {
  const obj = asRecord(v, path);
  const address = cidrField(obj, 'address', path);
  // Go keeps whatever `version` says; a missing one is derived from the address so conversion stays sound.
  const version = optString(obj, 'version', path) ?? ipFamilyOf(address);
  if (version !== '4' && version !== '6') fail(at(path, 'version'), 'expected "4" or "6"');
  const ipc: Mutable<IPConfig040> = { version, address };
  const intf = optInt(obj, 'interface', path, 0);
  const gateway = optIpField(obj, 'gateway', path);
  if (intf !== undefined) ipc.interface = intf;
  if (gateway !== undefined) ipc.gateway = gateway;
  return ipc;
}

/** Builds a Result040 from a decoded JSON object whose version is already known. */
export function parseResult040(obj: UnknownRecord, cniVersion: Result040['cniVersion']): Result040 {
  const result: Mutable<Result040> = { cniVersion };
  const interfaces = optArray(obj, 'interfaces', '', parseInterface);
  const ips = optArray(obj, 'ips', '', parseIpConfig);
  const routes = optArray(obj, 'routes', '', parseRoute040);
  const dns = topDns(obj);
  if (interfaces !== undefined) result.interfaces = interfaces;
  if (ips !== undefined) result.ips = ips;
  if (routes !== undefined) result.routes = routes;
  if (dns !== undefined) result.dns = dns;
  return result;
}

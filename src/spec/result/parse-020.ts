// Decoder for 0.1.0 / 0.2.0 results: `ip4`, `ip6` (each {ip, gateway, routes}) and `dns`.
import type { UnknownRecord } from '../json-input.ts';
import type { IPConfig020, Result020 } from '../types.ts';
import { asRecord, cidrField, type Mutable, optArray, optIpField, read } from './narrow.ts';
import { parseRoute040, topDns } from './parse-common.ts';

function parseIpConfig(v: unknown, path: string): IPConfig020 {
  const obj = asRecord(v, path);
  const ipc: Mutable<IPConfig020> = { ip: cidrField(obj, 'ip', path) };
  const gateway = optIpField(obj, 'gateway', path);
  const routes = optArray(obj, 'routes', path, parseRoute040);
  if (gateway !== undefined) ipc.gateway = gateway;
  if (routes !== undefined) ipc.routes = routes;
  return ipc;
}

/** Builds a Result020 from a decoded JSON object whose version is already known. */
export function parseResult020(obj: UnknownRecord, cniVersion: Result020['cniVersion']): Result020 {
  const result: Mutable<Result020> = { cniVersion };
  const ip4 = read(obj, 'ip4');
  const ip6 = read(obj, 'ip6');
  if (ip4 !== undefined) result.ip4 = parseIpConfig(ip4, 'ip4');
  if (ip6 !== undefined) result.ip6 = parseIpConfig(ip6, 'ip6');
  const dns = topDns(obj);
  if (dns !== undefined) result.dns = dns;
  return result;
}

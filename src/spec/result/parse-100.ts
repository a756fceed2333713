// Decoder for 1.0.0 / 1.1.0 results: no `version` in ips; interface mtu/socketPath/pciID; rich routes.
import type { UnknownRecord } from '../json-input.ts';
import type { Interface100, IPConfig100, Result100 } from '../types.ts';
import { asRecord, cidrField, type Mutable, optArray, optInt, optIpField, optString, plainString } from './narrow.ts';
import { parseRoute100, topDns } from './parse-common.ts';

function parseInterface(v: unknown, path: string): Interface100 {
  const obj = asRecord(v, path);
  const intf: Mutable<Interface100> = { name: plainString(obj, 'name', path) };
  const mac = optString(obj, 'mac', path);
  const mtu = optInt(obj, 'mtu', path);
  const sandbox = optString(obj, 'sandbox', path);
  const socketPath = optString(obj, 'socketPath', path);
  const pciID = optString(obj, 'pciID', path);
  if (mac !== undefined) intf.mac = mac;
  if (mtu !== undefined && mtu !== 0) intf.mtu = mtu;
  if (sandbox !== undefined) intf.sandbox = sandbox;
  if (socketPath !== undefined) intf.socketPath = socketPath;
  if (pciID !== undefined) intf.pciID = pciID;
  return intf;
}

function parseIpConfig(v: unknown, path: string): IPConfig100 {
  const obj = asRecord(v, path);
  const ipc: Mutable<IPConfig100> = { address: cidrField(obj, 'address', path) };
  const intf = optInt(obj, 'interface', path, 0);
  const gateway = optIpField(obj, 'gateway', path);
  if (intf !== undefined) ipc.interface = intf;
  if (gateway !== undefined) ipc.gateway = gateway;
  return ipc;
}

/** Builds a Result100 from a decoded JSON object whose version is already known. */
export function parseResult100(obj: UnknownRecord, cniVersion: Result100['cniVersion']): Result100 {
  const result: Mutable<Result100> = { cniVersion };
  const interfaces = optArray(obj, 'interfaces', '', parseInterface);
  const ips = optArray(obj, 'ips', '', parseIpConfig);
  const routes = optArray(obj, 'routes', '', parseRoute100);
  const dns = topDns(obj);
  if (interfaces !== undefined) result.interfaces = interfaces;
  if (ips !== undefined) result.ips = ips;
  if (routes !== undefined) result.routes = routes;
  if (dns !== undefined) result.dns = dns;
  return result;
}

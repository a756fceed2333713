// The attachment a cnitool-style command names: <network> <netns>, the interface, container ID, CNI_ARGS, CAP_ARGS.
// Each rule follows upstream cnitool so an attachment made by one tool can be removed by the other.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { RuntimeConf } from '../runtime/index.ts';
import { quoteValue } from '../spec/index.ts';
import type { CommonOptions } from './options.ts';
import { UsageError } from './usage-error.ts';

/** cnitool's container ID for a netns: "cnitool-" + the first 20 hex digits of SHA-512 of the absolute path. */
export function cnitoolContainerId(absNetns: string): string {
  return `cnitool-${createHash('sha512').update(absNetns).digest('hex').slice(0, 20)}`;
}

/** Parses CNI_ARGS (`K=V;K2=V2`): each pair needs exactly one '=' with a non-empty key and value, as cnitool. */
export function parseCniArgs(text: string, usage: string): [string, string][] {
  if (text === '') return [];
  return text.split(';').map((pair) => {
    const parts = pair.split('=');
    const [key, value] = parts;
    if (parts.length !== 2 || key === undefined || key === '' || value === undefined || value === '') {
      throw new UsageError(`invalid CNI_ARGS pair ${quoteValue(pair)}`, usage);
    }
    return [key, value];
  });
}

/** Parses CAP_ARGS: a JSON object (null counts as none); anything else is a usage error naming CAP_ARGS. */
export function parseCapArgs(text: string, usage: string): Record<string, unknown> {
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`invalid CAP_ARGS: ${e instanceof Error ? e.message : String(e)}`, usage);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    const what = Array.isArray(parsed) ? 'an array' : typeof parsed;
    throw new UsageError(`invalid CAP_ARGS: want a JSON object, got ${what}`, usage);
  }
  return { ...parsed };
}

/** The runtime conf for `<netns>`: ifname from -i, else CNI_IFNAME (empty or unset: eth0); ID from the options or derived. */
export function attachmentConf(
  netns: string,
  ifnameFlag: string | undefined,
  common: CommonOptions,
  env: Readonly<Record<string, string | undefined>>,
  usage: string,
): RuntimeConf {
  const absNetns = resolve(netns);
  const envIf = env.CNI_IFNAME;
  const ifName = ifnameFlag ?? (envIf === undefined || envIf === '' ? 'eth0' : envIf);
  return {
    containerId: common.containerId ?? cnitoolContainerId(absNetns),
    netns: absNetns,
    ifName,
    args: parseCniArgs(env.CNI_ARGS ?? '', usage),
    capabilityArgs: parseCapArgs(env.CAP_ARGS ?? '', usage),
  };
}

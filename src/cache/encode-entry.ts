// cniCacheV1 bytes as Go libcni's json.Marshal(&cachedInfo) lays them out, plus our digest key at the end.
import { CNIError, ErrorCode } from '../spec/errors.ts';
import { quoteValue } from '../spec/go-quote.ts';
import { jsonRoundTrip, sortedJson } from './canonical-json.ts';
import { sealText } from './digest.ts';
import type { CacheEntry } from './types.ts';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(field: string, why: string): CNIError {
  return new CNIError(ErrorCode.DecodingFailure, `cannot encode cache entry: ${field} ${why}`);
}

/** The entry with every JSON-ish member replaced by exactly what will be read back; throws code 6 if malformed. */
export function normalizeEntry(entry: CacheEntry): CacheEntry {
  if (entry.kind !== 'cniCacheV1') {
    const k: unknown = entry.kind;
    throw bad('kind', `must be "cniCacheV1", not ${typeof k === 'string' ? quoteValue(k) : typeof k}`);
  }
  for (const f of ['containerId', 'ifName', 'networkName'] as const) {
    if (typeof entry[f] !== 'string') throw bad(f, 'must be a string');
  }
  if (!(entry.config instanceof Uint8Array)) throw bad('config', 'must be a Uint8Array');
  if (entry.netns !== undefined && typeof entry.netns !== 'string') throw bad('netns', 'must be a string');
  const cniArgs: (readonly [string, string])[] = [];
  for (const pair of entry.cniArgs) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw bad('cniArgs', 'must hold [key, value] string pairs');
    }
    cniArgs.push([pair[0], pair[1]]);
  }
  const capabilityArgs = jsonRoundTrip(entry.capabilityArgs, 'capabilityArgs');
  if (!isPlainObject(capabilityArgs)) throw bad('capabilityArgs', 'must be an object');
  const base = {
    kind: entry.kind,
    containerId: entry.containerId,
    config: entry.config,
    ifName: entry.ifName,
    networkName: entry.networkName,
    cniArgs,
    capabilityArgs,
  };
  const withNetns = entry.netns ? { ...base, netns: entry.netns } : base;
  if (entry.result === undefined || entry.result === null) return withNetns;
  const result = jsonRoundTrip(entry.result, 'result');
  if (!isPlainObject(result)) throw bad('result', 'must be a JSON object');
  return { ...withNetns, result };
}

/** The JSON text we write: Go's keys in Go's order (empty netns/cniArgs/capabilityArgs omitted), then our bytes digest. */
export function encodeEntry(entry: CacheEntry): string {
  const e = normalizeEntry(entry);
  const config = Buffer.from(e.config.buffer, e.config.byteOffset, e.config.byteLength).toString('base64');
  let text =
    `{"kind":"cniCacheV1","containerId":${JSON.stringify(e.containerId)},"config":"${config}",` +
    `"ifName":${JSON.stringify(e.ifName)},"networkName":${JSON.stringify(e.networkName)}`;
  if (e.netns) text += `,"netns":${JSON.stringify(e.netns)}`;
  if (e.cniArgs.length > 0) text += `,"cniArgs":${JSON.stringify(e.cniArgs)}`;
  if (Object.keys(e.capabilityArgs).length > 0) text += `,"capabilityArgs":${sortedJson(e.capabilityArgs)}`;
  if (e.result !== undefined) text += `,"result":${sortedJson(e.result)}`;
  return sealText(`${text}}`);
}

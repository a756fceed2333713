// Fuzz targets for what a plugin prints: results of every version (directly, and through the exec layer that reads
// a plugin's stdout), the error object of a failed run, and the VERSION answer.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PluginError } from '../../src/invoke/errors.ts';
import { execPluginWithResult, getVersionInfo } from '../../src/invoke/exec-plugin.ts';
import { decodeErrorJson, failureOf } from '../../src/invoke/plugin-failure.ts';
import type { Exec } from '../../src/invoke/types.ts';
import { parseResult } from '../../src/spec/result/parse.ts';
import { SUPPORTED_VERSIONS } from '../../src/spec/version.ts';
import { parseVersionInfo } from '../../src/spec/version-info.ts';
import type { Target } from './config-targets.ts';
import { hostileBytes } from './hostile-json.ts';
import { fuzzParser } from './law.ts';
import { ERROR_SEEDS, RESULT_SEEDS, VERSION_SEEDS } from './seeds.ts';

const resultBytes = hostileBytes(RESULT_SEEDS);
/** A config version to read a result under: each spec version, none, or junk. */
const configVersion = fc.constantFrom<string | undefined>(...SUPPORTED_VERSIONS, undefined, '', '9.9.9', '1.0');

/** An Exec whose plugin "prints" the given bytes and exits 0. */
function printing(stdout: Uint8Array): Exec {
  return {
    findInPath: async (t) => `/fuzz/${t}`,
    execPlugin: async () => stdout,
  };
}

function checkResult(v: unknown): void {
  assert.ok(typeof v === 'object' && v !== null);
  const version = (v as { cniVersion?: unknown }).cniVersion;
  assert.ok(
    SUPPORTED_VERSIONS.some((s) => s === version),
    `result version ${String(version)}`,
  );
}

/** The plugin-output targets. */
export const PLUGIN_OUTPUT_TARGETS: readonly Target[] = [
  {
    name: 'parseResult',
    run: () =>
      fuzzParser(
        'parseResult',
        fc.tuple(resultBytes, configVersion),
        ([b, v]) => parseResult(b, v === undefined ? {} : { version: v }),
        { mode: 'value-or-cni', codes: [1, 6] },
        { check: checkResult },
      ),
  },
  {
    // The real path of an ADD's stdout: the config's cniVersion fixes up a result that names none.
    name: 'plugin stdout → result',
    run: () =>
      fuzzParser(
        'plugin stdout→result',
        fc.tuple(resultBytes, configVersion),
        ([b, v]) =>
          execPluginWithResult(
            printing(b),
            '/fuzz/plugin',
            Buffer.from(JSON.stringify(v === undefined ? { type: 'x' } : { cniVersion: v, type: 'x' })),
            { command: 'ADD', containerId: 'c', netns: '/n', ifName: 'eth0', path: ['/fuzz'] },
            {},
          ),
        { mode: 'value-or-cni', codes: [1, 6] },
        { check: checkResult },
      ),
  },
  {
    // A non-zero exit: stdout read as the spec's error object (or quoted as garbage), stderr as the tail.
    name: 'plugin error object',
    run: () =>
      fuzzParser(
        'plugin error object',
        fc.tuple(hostileBytes(ERROR_SEEDS), fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 255 })),
        ([stdout, stderr, exitCode]) => {
          const text = Buffer.from(stdout).toString();
          const decoded = decodeErrorJson(text);
          assert.ok(decoded.ok || decoded.reason.length > 0);
          const out = Buffer.from(stdout);
          const err = failureOf(
            { kind: 'exited', stdout: out, stderrTail: Buffer.from(stderr), exitCode, signal: null },
            '/fuzz/plugin',
            'ADD',
          );
          // A failure always becomes an error to throw; the law is checked on it as if thrown.
          throw err;
        },
        { mode: 'value-or-cni', isTyped: (e) => e instanceof PluginError },
      ),
  },
  {
    name: 'parseVersionInfo',
    run: () =>
      fuzzParser('parseVersionInfo', hostileBytes(VERSION_SEEDS), (b) => parseVersionInfo(b), {
        mode: 'value-or-cni',
        codes: [6],
      }),
  },
  {
    name: 'getVersionInfo (plugin stdout)',
    run: () =>
      fuzzParser(
        'getVersionInfo',
        hostileBytes(VERSION_SEEDS),
        (b) => getVersionInfo(printing(b), '/fuzz/plugin', {}),
        { mode: 'value-or-cni', codes: [6] },
      ),
  },
];

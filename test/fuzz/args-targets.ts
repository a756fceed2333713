// Fuzz targets for the strings a runtime takes from its caller's environment: CNI_ARGS (cnitool's strict reader,
// the plugin-side LoadArgs reader, the CLI's reader), CAP_ARGS, and spec version strings.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCniArgs as cliParseCniArgs, parseCapArgs } from '../../src/cli/attachment.ts';
import { formatCniArgs, parseCniArgs, parseKnownArgs } from '../../src/spec/cni-args.ts';
import { parseVersion } from '../../src/spec/version.ts';
import type { Target } from './config-targets.ts';
import { hostileText, MIB, SMALL_FRAGMENTS } from './hostile-json.ts';
import { fuzzParser } from './law.ts';
import { CAP_ARGS_SEEDS } from './seeds.ts';

const PIECES = [
  'K8S_POD_NAME',
  'IgnoreUnknown',
  'IP',
  'DEBUG',
  '__proto__',
  'constructor',
  '=',
  ';',
  '==',
  ';;',
  '\0',
  '1',
  'true',
  'FALSE',
  'maybe',
  '10.0.0.5',
  '/tmp/x',
  '\ud800',
  '\u2215',
  ' ',
  '',
];

/** CNI_ARGS-shaped strings: valid lists, near misses assembled from pieces, arbitrary text, and 1 MB pairs. */
const cniArgs: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...PIECES), fc.constantFrom(...PIECES)), { minLength: 1, maxLength: 5 })
      .map((ps) => ps.map(([k, v]) => `${k}=${v}`).join(';')),
    weight: 6,
  },
  { arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((ps) => ps.join('')), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      `K=${'v'.repeat(MIB)}`,
      `${'k'.repeat(MIB)}=v`,
      `K=${'v'.repeat(MIB)}=x`,
      `IgnoreUnknown=${'1'.repeat(MIB)}`,
      'a=b;'.repeat(100_000),
    ),
    weight: 1,
  },
);

/** A version string: the spec's, near misses, hostile fragments' text, arbitrary text. */
const versionText: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc.constantFrom('0.1.0', '1.1.0', '', '1', '1.0', '1.0.0.0', '+1.0.0', '-1.-1.-1', '01.02.03', '1..0'),
    weight: 4,
  },
  { arbitrary: fc.constantFrom(...SMALL_FRAGMENTS).map((f) => f.replace(/^"|"$/g, '')), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 4 },
  {
    arbitrary: fc
      .array(fc.constantFrom('0', '1', '9', '.', '+', '-', '99999999999999999999', 'x', ' '), { maxLength: 8 })
      .map((p) => p.join('')),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom(`1.0.${'9'.repeat(MIB)}`, `${'1.'.repeat(MIB / 2)}0`, `x${'.'.repeat(MIB)}`),
    weight: 1,
  },
);

/** The args targets. */
export const ARGS_TARGETS: readonly Target[] = [
  {
    name: 'parseCniArgs',
    run: () =>
      fuzzParser(
        'parseCniArgs',
        cniArgs,
        (s) => {
          const pairs = parseCniArgs(s);
          // What cnitool reads, the runtime must be able to send back unchanged (or refuse with code 4).
          assert.equal(formatCniArgs(pairs), s);
          return pairs;
        },
        { mode: 'value-or-cni', codes: [4] },
      ),
  },
  {
    name: 'parseKnownArgs',
    run: () =>
      fuzzParser('parseKnownArgs', cniArgs, (s) => parseKnownArgs(s, ['IP', 'K8S_POD_NAME', 'DEBUG']), {
        mode: 'value-or-cni',
        codes: [4],
      }),
  },
  {
    name: 'cli CNI_ARGS',
    run: () => fuzzParser('cli CNI_ARGS', cniArgs, (s) => cliParseCniArgs(s, 'usage'), { mode: 'value-or-cni' }),
  },
  {
    name: 'cli CAP_ARGS',
    run: () =>
      fuzzParser('cli CAP_ARGS', hostileText(CAP_ARGS_SEEDS), (s) => parseCapArgs(s, 'usage'), {
        mode: 'value-or-cni',
        codes: [4],
      }),
  },
  {
    name: 'parseVersion',
    run: () => fuzzParser('parseVersion', versionText, (s) => parseVersion(s), { mode: 'value-or-cni', codes: [1] }),
  },
];

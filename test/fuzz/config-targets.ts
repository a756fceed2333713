// Fuzz targets for config bytes: a plugin config, a config list, the stdin built from a parsed config, and a whole
// conf dir of arbitrary files read through loadNetworkConfigList.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  buildPluginStdin,
  configListFromConfig,
  injectConf,
  loadNetworkConfigList,
  parseConfigList,
  parsePluginConfig,
} from '../../src/config/index.ts';
import { hostileBytes } from './hostile-json.ts';
import { FUZZ_RUNS, fuzzParser, type ParserStats } from './law.ts';
import { CAP_ARGS_SEEDS, CONFIG_SEEDS } from './seeds.ts';

const CONFIG_CODES = [6, 7];
const configBytes = hostileBytes(CONFIG_SEEDS);

/** A named fuzz run. */
export interface Target {
  readonly name: string;
  run(): Promise<ParserStats>;
}

/** A conf dir: up to four files with config-ish names and hostile contents, and maybe a plugin subdir. */
const confDir = fc.array(
  fc.tuple(
    fc.constantFrom(
      '10-a.conflist',
      '20-b.conflist',
      '30-c.conf',
      '40-d.json',
      'net/1.conf',
      'net/2.conf',
      'x.txt',
      '.hidden.conf',
      'conf.conflist.bak',
    ),
    configBytes,
  ),
  { minLength: 1, maxLength: 4 },
);

let confRoot: string | undefined;
function freshDir(): string {
  confRoot ??= mkdtempSync(join(tmpdir(), 'cnikit-fuzz-conf-'));
  const dir = join(confRoot, 'd');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'net'), { recursive: true });
  return dir;
}

/** Removes the conf dirs the conf-dir target wrote. */
export function cleanupConfDirs(): void {
  if (confRoot !== undefined) rmSync(confRoot, { recursive: true, force: true });
  confRoot = undefined;
}

/** The config targets. */
export const CONFIG_TARGETS: readonly Target[] = [
  {
    name: 'parsePluginConfig',
    run: () =>
      fuzzParser('parsePluginConfig', configBytes, (b) => parsePluginConfig(b, '/conf/x.conf'), {
        mode: 'value-or-cni',
        codes: CONFIG_CODES,
      }),
  },
  {
    name: 'parseConfigList',
    run: () =>
      fuzzParser('parseConfigList', configBytes, (b) => parseConfigList(b, '/conf/x.conflist'), {
        mode: 'value-or-cni',
        codes: CONFIG_CODES,
      }),
  },
  {
    // A config that parsed is then used: lifted into a list, injected into, and turned into a plugin's stdin.
    name: 'config→stdin',
    run: () =>
      fuzzParser(
        'config→stdin',
        fc.tuple(configBytes, fc.constantFrom(...CAP_ARGS_SEEDS)),
        ([b, caps]) => {
          const conf = parsePluginConfig(b);
          configListFromConfig(conf);
          injectConf(conf, { 'cni.dev/attachments': [{ containerID: 'c', ifname: 'eth0' }] });
          return buildPluginStdin({
            plugin: conf,
            name: 'net',
            cniVersion: '1.1.0',
            prevResult: { cniVersion: '1.1.0', ips: [{ address: '10.0.0.2/24' }] },
            capabilityArgs: caps as Record<string, unknown>,
          });
        },
        { mode: 'value-or-cni', codes: CONFIG_CODES },
      ),
  },
  {
    name: 'loadNetworkConfigList (conf dir)',
    run: () =>
      fuzzParser(
        'loadNetworkConfigList',
        confDir,
        async (files) => {
          const dir = freshDir();
          for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
          return loadNetworkConfigList(dir, 'net');
        },
        { mode: 'value-or-cni', codes: [5, ...CONFIG_CODES] },
        { runs: Math.max(1, Math.ceil(FUZZ_RUNS / 2)) },
      ),
  },
];

// Fuzzes every parser that takes outside bytes under one law (see law.ts) and prints the figures: one line per
// parser and a total. CI runs CNIKIT_FUZZ_RUNS (default 300) inputs per parser with a fixed seed; for the long run:
//   CNIKIT_FUZZ_RUNS=20000 node scripts/test.mjs test/fuzz/
import { after, describe, it } from 'node:test';
import { ARGS_TARGETS } from './args-targets.ts';
import { CACHE_TARGETS, cleanupCacheDirs } from './cache-targets.ts';
import { CONFIG_TARGETS, cleanupConfDirs } from './config-targets.ts';
import { stopWatchdog, totalLine } from './law.ts';
import { PLUGIN_OUTPUT_TARGETS } from './plugin-output-targets.ts';

const GROUPS = [
  ['config', CONFIG_TARGETS],
  ['cache', CACHE_TARGETS],
  ['plugin output', PLUGIN_OUTPUT_TARGETS],
  ['environment strings', ARGS_TARGETS],
] as const;

after(async () => {
  console.log(totalLine());
  cleanupConfDirs();
  cleanupCacheDirs();
  await stopWatchdog();
});

for (const [group, targets] of GROUPS) {
  describe(`fuzz: ${group}`, () => {
    for (const t of targets) {
      it(`${t.name}: returns a value or throws a CNIError, in time, without pollution`, async () => {
        await t.run();
      });
    }
  });
}

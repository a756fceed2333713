// Child-process side of isolated.ts: runs one named probe and prints one JSON line saying how the call ended, how
// long it took and the peak memory of this process.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNetworkConfigList, parseConfigList } from '../../src/config/index.ts';
import { CNI } from '../../src/runtime/index.ts';
import { CNIError } from '../../src/spec/errors.ts';
import { PLUGIN_DIR } from '../fixtures/runtime.ts';

const [name, ...args] = process.argv.slice(2);

async function probe(): Promise<unknown> {
  switch (name) {
    case 'load-conf-dir':
      return loadNetworkConfigList(args[0] ?? '', args[1] ?? '');
    case 'cache-under-umask': {
      // ADD one attachment, then DEL another whose entry is corrupt (so quarantine/ and a note get created too).
      const [umask = '0', cacheDir = ''] = args;
      process.umask(Number.parseInt(umask, 8));
      const cni = new CNI({ path: [PLUGIN_DIR], cacheDir, stderr: () => {} });
      const list = parseConfigList(
        JSON.stringify({ cniVersion: '1.0.0', name: 'net', plugins: [{ type: 'cnikit-noop' }] }),
      );
      await cni.addNetworkList(list, { containerId: 'c1', netns: '/x', ifName: 'eth0' });
      writeFileSync(join(cacheDir, 'results', 'net-c2-eth0'), '{"kind":');
      await cni.delNetworkList(list, { containerId: 'c2', netns: '/x', ifName: 'eth0' });
      return undefined;
    }
    default:
      throw new Error(`unknown probe ${String(name)}`);
  }
}

const started = performance.now();
let report: Record<string, unknown>;
try {
  const value = await probe();
  report = { ok: true, value: typeof value };
} catch (e) {
  report = {
    ok: false,
    errorName: e instanceof Error ? e.name : typeof e,
    isCNIError: CNIError.is(e),
    code: CNIError.is(e) ? e.code : undefined,
    message: (e instanceof Error ? e.message : String(e)).slice(0, 300),
  };
}
report.ms = Math.round(performance.now() - started);
report.peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify(report)}\n`);

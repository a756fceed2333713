// Child-process side of isolated.ts: runs one named probe and prints one JSON line saying how the call ended, how
// long it took and the peak memory of this process.
import { loadNetworkConfigList } from '../../src/config/index.ts';
import { CNIError } from '../../src/spec/errors.ts';

const [name, ...args] = process.argv.slice(2);

async function probe(): Promise<unknown> {
  switch (name) {
    case 'load-conf-dir':
      return loadNetworkConfigList(args[0] ?? '', args[1] ?? '');
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

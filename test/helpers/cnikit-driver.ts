// A tiny program that runs one runtime-library call and exits: the child process the kill-at-random suite SIGKILLs.
// Bundled by driver-bundle.ts into one CJS file so it starts fast. Usage: node driver.cjs '<DriverJob JSON>'.
import { loadConfigListFile } from '../../src/config/index.ts';
import { CNI } from '../../src/runtime/index.ts';

/** One call for the driver to make. */
export interface DriverJob {
  readonly op: 'add' | 'del' | 'check';
  readonly confFile: string;
  readonly containerId: string;
  readonly netns: string;
  readonly ifName: string;
  readonly cacheDir: string;
  readonly ipamDataDir: string;
  readonly path: readonly string[];
  readonly capabilityArgs?: Readonly<Record<string, unknown>>;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as DriverJob;
  const list = await loadConfigListFile(job.confFile);
  const cni = new CNI({ path: job.path, cacheDir: job.cacheDir, ipamDataDir: job.ipamDataDir });
  const rt = {
    containerId: job.containerId,
    netns: job.netns,
    ifName: job.ifName,
    ...(job.capabilityArgs === undefined ? {} : { capabilityArgs: job.capabilityArgs }),
  };
  let out: unknown;
  if (job.op === 'add') out = await cni.addNetworkList(list, rt);
  else if (job.op === 'check') out = await cni.checkNetworkList(list, rt);
  else out = await cni.delNetworkList(list, rt);
  process.stdout.write(`${JSON.stringify({ ok: true, out: out ?? null })}\n`);
}

main().catch((e: unknown) => {
  process.stdout.write(`${JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e) })}\n`);
  process.exitCode = 1;
});

// -mode exec: the plugin-exec floor, as cnibench's floor.go. Each plugin of the list is exec'd directly through
// cnikit's exec layer (createExec, CNI_* env, the stdin the runtime would send), without the runtime, so cycle
// minus floor is the runtime's own overhead. Only the exec is on the clock.
import { performance } from 'node:perf_hooks';
import { buildPluginStdin, type NetworkConfig } from '../../src/config/index.ts';
import { buildPluginEnv, type CNICommand, createExec } from '../../src/invoke/index.ts';
import type { RuntimeConf } from '../../src/runtime/index.ts';
import { parseResult, type Result } from '../../src/spec/index.ts';
import type { BenchRun } from './bench-run.ts';

const decoder = new TextDecoder();

/** warmup+n × (ADD of each plugin in order, DEL of each in reverse): "exec:add", "exec:del", "exec:cycle". */
export async function execFloor(run: BenchRun): Promise<void> {
  const list = run.list;
  if (list === undefined) throw new Error(`-mode ${run.opt.mode} needs -net`);
  const exec = createExec();
  const path = run.pluginPath();
  const bins: string[] = [];
  for (const p of list.plugins) bins.push(await exec.findInPath(p.network.type, path)); // outside the clock
  const per = list.plugins.length > 1;
  const stdinOf = (p: NetworkConfig, rt: RuntimeConf, prev: Result | undefined): Uint8Array =>
    buildPluginStdin({
      plugin: p,
      name: list.name,
      cniVersion: list.cniVersion,
      prevResult: prev,
      capabilityArgs: rt.capabilityArgs ?? {},
    });
  const once = async (bin: string, command: CNICommand, rt: RuntimeConf, stdin: Uint8Array) => {
    const env = buildPluginEnv({
      command,
      containerId: rt.containerId,
      netns: rt.netns,
      ifName: rt.ifName,
      pluginArgs: rt.args ?? [],
      path,
    });
    const t0 = performance.now();
    const out = await exec.execPlugin(bin, stdin, env, {});
    return { out, ms: performance.now() - t0 };
  };

  for (let i = -run.opt.warmup; i < run.opt.n; i++) {
    const rt = run.runtimeConf(i);
    const timed = i >= 0;
    let prev: Result | undefined;
    let addSum = 0;
    let delSum = 0;
    let ok = true;
    for (const [k, p] of list.plugins.entries()) {
      const bin = bins[k] ?? '';
      try {
        const r = await once(bin, 'ADD', rt, stdinOf(p, rt, prev));
        prev = parseResult(JSON.parse(decoder.decode(r.out)), { version: list.cniVersion });
        addSum += r.ms;
        if (timed && per) run.rec.add(`exec:${p.network.type}:add`, r.ms);
      } catch (e) {
        run.fail(`exec add ${p.network.type} ${rt.containerId}`, e);
        ok = false;
        break;
      }
    }
    for (let k = list.plugins.length - 1; k >= 0; k--) {
      const p = list.plugins[k];
      if (p === undefined) continue;
      try {
        const r = await once(bins[k] ?? '', 'DEL', rt, stdinOf(p, rt, prev));
        delSum += r.ms;
        if (timed && per) run.rec.add(`exec:${p.network.type}:del`, r.ms);
      } catch (e) {
        run.fail(`exec del ${p.network.type} ${rt.containerId}`, e);
        ok = false;
      }
    }
    if (timed && ok) {
      run.rec.add('exec:add', addSum);
      run.rec.add('exec:del', delSum);
      run.rec.add('exec:cycle', addSum + delSum);
    }
  }
}

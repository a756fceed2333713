// Issue 8, part 4: interop with Go libcni 1.1.2 (Debian's golang-github-appc-cni-dev) through the small Go program
// in test/interop/go/cnigo-tool, built by scripts/build-go.sh into bench/go/bin (`.ci/run` runs that script).
// Go tears down what cnikit added (reading cnikit's cache through libcni's own API), cnikit tears down what Go
// added, and Go libcni drives cnikit-noop (a plugin written with cnikit's SDK) through every command.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  CAPABILITY_ARGS,
  describeInventory,
  GO_TOOL_PATH,
  hasCli,
  hasGoTool,
  PLUGINS_BIN,
  run,
  runCli,
  runGoTool,
  skipUnlessRoot,
  toolEnv,
  withHostNetns,
  writeConflist,
} from '../helpers/index.ts';
import { firstIp, makeTestbed } from '../helpers/testbed.ts';

const NOOP = join(PLUGINS_BIN, 'cnikit-noop');
const goSkip = hasGoTool()
  ? false
  : `Go interop tool not built: run scripts/build-go.sh (needs golang-go and golang-github-appc-cni-dev)`;
if (goSkip !== false) console.log(`\n!!!!!!!! SKIPPING interop/go-libcni: ${goSkip} !!!!!!!!\n`);
const rootSkip = goSkip === false ? skipUnlessRoot('interop/go-libcni (real chain)') : goSkip;
const noopSkip = goSkip !== false ? goSkip : existsSync(NOOP) ? false : 'plugins/bin/cnikit-noop not built';

interface GoResult {
  readonly ips?: readonly { readonly address: string; readonly gateway?: string }[];
  readonly interfaces?: readonly { readonly name: string }[];
}

describe('Go libcni 1.1.2 and cnikit share attachments (realistic chain)', { skip: rootSkip }, () => {
  test("Go reads cnikit's cache and Go DEL tears down what cnikit added", async () => {
    await withHostNetns(async (host) => {
      const bed = await makeTestbed(host);
      const ctr = await host.addContainer();
      const cid = 'interop-ts-add';
      const ours = await bed.cni.addNetworkList(bed.list, bed.rt(cid, ctr));
      const ip = firstIp(ours);
      assert.ok(ip !== undefined);
      const made = await bed.inventory({ cid, ip, ctr });
      assert.equal(made.count, 15, describeInventory(made));

      // libcni's GetNetworkListCachedResult on our file: the same result.
      const cached = await runGoTool(host, ['cache', bed.name, cid, 'eth0'], bed.toolEnv(cid));
      assert.equal(cached.code, 0, cached.stderr);
      const goView = JSON.parse(cached.stdout) as GoResult;
      assert.deepEqual(goView.ips, (ours as GoResult).ips);
      assert.deepEqual(
        goView.interfaces?.map((i) => i.name),
        (ours as GoResult).interfaces?.map((i) => i.name),
      );
      // GetNetworkListCachedConfig: our config bytes and capability args, as libcni restores them.
      const config = await runGoTool(host, ['cache-config', bed.name, cid, 'eth0'], bed.toolEnv(cid));
      assert.equal(config.code, 0, config.stderr);
      const goConfig = JSON.parse(config.stdout) as { config?: { name?: string }; capabilityArgs?: unknown };
      assert.equal(goConfig.config?.name, bed.name);
      console.log(`  Go libcni read cnikit's cache: ips ${JSON.stringify(goView.ips)}`);

      const del = await runGoTool(host, ['del', bed.name, ctr.path], bed.toolEnv(cid));
      assert.equal(del.code, 0, `Go DEL: ${del.stderr}`);
      const left = await bed.inventory({ cid, ip, ctr });
      console.log(`  cnikit ADD -> Go DEL: ${made.count} resources before, ${left.count} after`);
      assert.equal(left.count, 0, describeInventory(left));
    });
  });

  for (const via of ['library', 'cli'] as const) {
    test(`cnikit (${via}) reads Go's cache and its DEL tears down what Go added`, {
      skip: via === 'cli' && !hasCli() ? 'bin/cnikit.cjs not built' : false,
    }, async () => {
      await withHostNetns(async (host) => {
        const bed = await makeTestbed(host);
        const ctr = await host.addContainer();
        const cid = `interop-go-add-${via}`;
        const add = await runGoTool(host, ['add', bed.name, ctr.path], bed.toolEnv(cid));
        assert.equal(add.code, 0, `Go ADD: ${add.stderr}`);
        const goResult = JSON.parse(add.stdout) as GoResult;
        const ip = firstIp(goResult);
        assert.ok(ip !== undefined);
        const made = await bed.inventory({ cid, ip, ctr });
        assert.equal(made.count, 15, describeInventory(made));

        const rt = bed.rt(cid, ctr);
        const seen = await bed.cni.getNetworkListCachedResult(bed.list, rt);
        assert.deepEqual((seen as GoResult | undefined)?.ips, goResult.ips, "cnikit reads Go's cache entry");

        if (via === 'library') {
          const report = await bed.cni.delNetworkList(bed.list, rt);
          assert.equal(report.cacheState, 'ok');
          assert.equal(report.prevResultSource, 'cache');
        } else {
          const r = await runCli(host, ['del', bed.name, ctr.path], bed.toolEnv(cid));
          assert.equal(r.code, 0, `cnikit del: ${r.stderr}`);
        }
        const left = await bed.inventory({ cid, ip, ctr });
        console.log(`  Go ADD -> cnikit ${via} DEL: ${made.count} resources before, ${left.count} after`);
        assert.equal(left.count, 0, describeInventory(left));
      });
    });
  }
});

/** One line of cnikit-noop's command log. */
interface Invocation {
  readonly command: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: string;
}

async function readLog(file: string): Promise<Invocation[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Invocation);
}

test('Go libcni 1.1.2 runs cnikit-noop for ADD, CHECK, DEL, GC, STATUS and VERSION', { skip: noopSkip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cnikit-interop-noop-'));
  try {
    const debugFile = join(dir, 'noop.json');
    const versionDebug = join(dir, 'noop-version.json');
    const reported = { cniVersion: '1.0.0', ips: [{ address: '10.9.8.7/24', gateway: '10.9.8.1' }] };
    await writeFile(debugFile, JSON.stringify({ reportResult: reported }));
    await writeFile(versionDebug, '{}');
    const confDir = join(dir, 'conf');
    const plugin = { type: 'cnikit-noop', debugFile };
    // libcni 1.1.2 knows results up to 1.0.0; GC and STATUS exist from 1.1.0 (cnigo-tool emulates them).
    await writeConflist(confDir, { cniVersion: '1.0.0', name: 'noop10', plugins: [plugin] }, '10-noop.conflist');
    await writeConflist(confDir, { cniVersion: '1.1.0', name: 'noop11', plugins: [plugin] }, '11-noop.conflist');
    const env = {
      ...toolEnv({ confDir, cniPath: [PLUGINS_BIN], cacheDir: join(dir, 'cache'), containerId: 'go-noop-1' }),
      CNIKIT_NOOP_DEBUG: versionDebug,
    };
    const netns = '/var/run/netns/cnikit-interop-none'; // the noop never enters it
    const go = (args: string[]) => run(GO_TOOL_PATH, args, { env, timeoutMs: 30_000 });

    const add = await go(['add', 'noop10', netns]);
    assert.equal(add.code, 0, add.stderr);
    // Go prints its own Result type (it adds an empty "dns": {}); what matters is what it understood.
    const goAdd = JSON.parse(add.stdout) as { cniVersion?: string; ips?: unknown };
    assert.equal(goAdd.cniVersion, reported.cniVersion);
    assert.deepEqual(goAdd.ips, reported.ips, "Go parsed cnikit-noop's result");
    for (const [cmd, net] of [
      ['check', 'noop10'],
      ['del', 'noop10'],
      ['gc', 'noop11'],
      ['status', 'noop11'],
    ] as const) {
      const r = await go([cmd, net, netns]);
      assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
    }
    const version = await go(['version', 'cnikit-noop']);
    assert.equal(version.code, 0, version.stderr);
    const info = JSON.parse(version.stdout) as { supportedVersions?: string[] };
    assert.ok(info.supportedVersions?.includes('1.0.0'), version.stdout);
    assert.ok(info.supportedVersions?.includes('1.1.0'), version.stdout);

    const calls = await readLog(`${debugFile}.log`);
    assert.deepEqual(
      calls.map((c) => c.command),
      ['ADD', 'CHECK', 'DEL', 'GC', 'STATUS'],
    );
    const [addCall, checkCall, delCall] = calls;
    assert.equal(addCall?.env.CNI_CONTAINERID, 'go-noop-1');
    assert.equal(addCall?.env.CNI_IFNAME, 'eth0');
    assert.equal(addCall?.env.CNI_NETNS, netns);
    // CHECK and DEL got Go's cached result (cnikit-noop's own ADD output) as prevResult.
    for (const c of [checkCall, delCall]) {
      const stdin = JSON.parse(c?.stdin ?? '{}') as { prevResult?: { ips?: unknown }; name?: string };
      assert.deepEqual(stdin.prevResult?.ips, reported.ips, `${c?.command} prevResult`);
      assert.equal(stdin.name, 'noop10');
    }
    const versionCalls = await readLog(`${versionDebug}.log`);
    assert.deepEqual(
      versionCalls.map((c) => c.command),
      ['VERSION'],
    );
    console.log(
      `  Go libcni -> cnikit-noop: ${calls.length + versionCalls.length} commands (${[...calls, ...versionCalls].map((c) => c.command).join(', ')}), supported ${info.supportedVersions?.join(' ')}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the capability args cnikit cached are what Go restores', { skip: rootSkip }, async () => {
  await withHostNetns(async (host) => {
    const bed = await makeTestbed(host, { portmap: false, firewall: false, tuning: false });
    const ctr = await host.addContainer();
    const cid = 'interop-capargs';
    await bed.cni.addNetworkList(bed.list, bed.rt(cid, ctr));
    const r = await runGoTool(host, ['cache-config', bed.name, cid, 'eth0'], bed.toolEnv(cid));
    assert.equal(r.code, 0, r.stderr);
    const restored = JSON.parse(r.stdout) as { capabilityArgs?: unknown };
    assert.deepEqual(restored.capabilityArgs, JSON.parse(JSON.stringify(CAPABILITY_ARGS)));
    await bed.cni.delNetworkList(bed.list, bed.rt(cid, ctr));
    const left = await bed.inventory({ cid, ctr });
    assert.equal(left.count, 0, describeInventory(left));
  });
});

// The demo's story, run inside its private host namespace (demo-host.ts put it there): ADD a container through a
// real bridge + host-local + portmap + firewall chain, show what that made, truncate the cache entry to 0 bytes as a
// crash under Go libcni does, then show that `cnikit del` still removes every piece of it.
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cnitoolContainerId } from './attachment.ts';
import { type Inventory, type InventoryTarget, inventoryCounts, takeInventory } from './demo-inventory.ts';
import { DEMO_CAP_ARGS, DEMO_NETWORK, demoConflist, demoPaths } from './demo-network.ts';
import { ExitCode } from './exit-codes.ts';
import type { CliIO } from './io.ts';
import { runTool, type ToolRun } from './run-tool.ts';
import { type Style, styleFor } from './style.ts';

/** What the outer process tells the inner one. */
export interface InnerArgs {
  readonly work: string;
  readonly containerNetns: string;
  readonly pluginDir: string;
}

const IFNAME = 'eth0';

/** Runs this same cnikit (bundle or source) as a child, with the demo's environment. */
function cnikit(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  signal: AbortSignal,
): Promise<ToolRun> {
  const script = process.argv[1] ?? '';
  return runTool(process.execPath, [...process.execArgv, script, ...args], { env, signal });
}

function firstIPv4(resultText: string): string | undefined {
  const m = /"address":\s*"(\d+\.\d+\.\d+\.\d+)\/\d+"/.exec(resultText);
  return m?.[1];
}

/** The two DEL-report fields the story mentions, read from `cnikit del --json` output. */
function parseReport(text: string): { prevResultSource: string; cacheState: string; quarantined: string | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const field = (k: string): unknown =>
    typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, k) : undefined;
  const str = (k: string): string | undefined => {
    const v = field(k);
    return typeof v === 'string' ? v : undefined;
  };
  return {
    prevResultSource: str('prevResultSource') ?? '?',
    cacheState: str('cacheState') ?? '?',
    quarantined: str('quarantined'),
  };
}

function indent(text: string, by = '     '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

function listing(io: CliIO, s: Style, label: string, items: readonly string[]): void {
  io.stdout.write(`   ${s.bold(label)} (${items.length})\n`);
  for (const item of items) io.stdout.write(`     ${item}\n`);
}

function showInventory(io: CliIO, s: Style, inv: Inventory): void {
  listing(io, s, 'container interface', inv.containerIf);
  listing(io, s, 'host veth', inv.veths);
  listing(io, s, 'IP reservation (host-local)', inv.reservations);
  listing(io, s, 'iptables rules and chains of the container', inv.iptables);
  listing(io, s, 'cache entry', inv.cacheFiles);
}

function checkAborted(io: CliIO): void {
  if (io.signal.aborted) throw new Error('interrupted');
}

/** Runs the demo's steps; returns 0 when DEL left nothing behind. */
export async function runDemoInner(args: InnerArgs, io: CliIO): Promise<number> {
  const s = styleFor(io.stdout, io.env);
  const step = (n: number, text: string): void =>
    void io.stdout.write(`\n${s.bold(s.cyan(`${n}.`))} ${s.bold(text)}\n`);
  const say = (text: string): void => void io.stdout.write(`   ${text}\n`);

  const paths = demoPaths(args.work);
  const netnsPath = join('/run/netns', args.containerNetns);
  const containerId = cnitoolContainerId(netnsPath);
  const resultsDir = join(paths.cacheDir, 'results');
  const env = {
    PATH: io.env.PATH,
    NO_COLOR: io.env.NO_COLOR,
    NETCONFPATH: paths.confDir,
    CNI_PATH: args.pluginDir,
    CNI_CACHE_DIR: paths.cacheDir,
    CAP_ARGS: JSON.stringify(DEMO_CAP_ARGS),
  };

  step(1, `The network "${DEMO_NETWORK}": bridge + host-local + portmap + firewall, cniVersion 1.0.0`);
  await mkdir(paths.confDir, { recursive: true });
  const confFile = join(paths.confDir, '10-cnikit-demo.conflist');
  await writeFile(confFile, demoConflist(paths));
  say(`config   ${confFile}`);
  say(`plugins  ${args.pluginDir}`);
  say('the commands below run with:');
  for (const [k, v] of Object.entries(env))
    if (k !== 'PATH' && k !== 'NO_COLOR') say(`  ${k}=${k === 'CAP_ARGS' ? `'${v}'` : v}`);

  checkAborted(io);
  step(2, 'ADD a container');
  say(s.dim(`$ cnikit add ${DEMO_NETWORK} ${netnsPath}`));
  const add = await cnikit(['add', DEMO_NETWORK, netnsPath], env, io.signal);
  if (add.code !== 0) {
    io.stderr.write(`cnikit add failed (exit ${String(add.code)}):\n${add.stderr}`);
    return ExitCode.Failed;
  }
  const ip = firstIPv4(add.stdout);
  say(`container ID ${containerId} (cnitool's: sha512 of the netns path), IP ${ip ?? '?'}`);
  say(s.dim('result (first lines):'));
  io.stdout.write(`${s.dim(indent(add.stdout.split('\n').slice(0, 12).join('\n')))}\n     ${s.dim('...')}\n`);

  const target: InventoryTarget = {
    containerNetns: args.containerNetns,
    containerId,
    ifName: IFNAME,
    ip,
    ipamStore: join(paths.ipamDir, DEMO_NETWORK),
    resultsDir,
  };
  checkAborted(io);
  step(3, 'What ADD made');
  const before = await takeInventory(target);
  showInventory(io, s, before);

  checkAborted(io);
  step(4, 'A crash: the cache entry is now 0 bytes');
  const entry = join(resultsDir, `${DEMO_NETWORK}-${containerId}-${IFNAME}`);
  await truncate(entry, 0);
  say(`truncated ${entry}`);
  say('(Go libcni writes this file with a plain truncate-then-write; a crash or power cut in between leaves it');
  say(' empty. Its DEL then fails on every retry with: failed to get network "cnikit-demo" cached result:');
  say(' decoding version from network config: unexpected end of JSON input, and all of the above leaks.)');
  say(s.dim('$ cnikit cache ls'));
  const ls = await cnikit(['cache', 'ls', '--conf-dir', paths.confDir], env, io.signal);
  io.stdout.write(`${indent(ls.stdout)}\n`);

  checkAborted(io);
  step(5, 'DEL anyway');
  say(s.dim(`$ cnikit del --json ${DEMO_NETWORK} ${netnsPath}`));
  const del = await cnikit(['del', '--json', DEMO_NETWORK, netnsPath], env, io.signal);
  if (del.code !== 0) {
    io.stderr.write(`cnikit del failed (exit ${String(del.code)}):\n${del.stderr}`);
    return ExitCode.Failed;
  }
  say(`exit 0; the DEL report:`);
  io.stdout.write(`${indent(del.stdout)}\n`);
  const report = parseReport(del.stdout);
  if (report.prevResultSource === 'reconstructed') {
    say('prevResultSource "reconstructed": the addresses came from host-local\'s reservation files, so the');
    say('firewall plugin could remove its rules for them.');
  }
  if (report.quarantined !== undefined)
    say(`The ${report.cacheState} file was kept for forensics: ${report.quarantined}`);

  step(6, 'Before and after DEL');
  const after = await takeInventory(target);
  const countsBefore = inventoryCounts(before);
  const countsAfter = inventoryCounts(after);
  let leaked = 0;
  countsBefore.forEach(([label, n], i) => {
    const left = countsAfter[i]?.[1] ?? 0;
    leaked += left;
    const mark = left === 0 ? s.green('gone') : s.red('LEFT BEHIND');
    say(`${label.padEnd(28)} ${String(n).padStart(2)} -> ${String(left).padEnd(2)} ${mark}`);
  });
  if (leaked > 0) {
    showInventory(io, s, after);
    io.stdout.write(`\n${s.red(s.bold(`${leaked} resource(s) leaked.`))}\n`);
    return ExitCode.Failed;
  }
  io.stdout.write(`\n${s.green(s.bold('Nothing leaked: the damaged cache did not stop the teardown.'))}\n`);
  return ExitCode.Ok;
}

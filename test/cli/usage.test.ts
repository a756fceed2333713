// Argument errors, --help everywhere, --json errors and exit codes, against the built CLI.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ensureBuilt, runCli } from './helpers.ts';

before(() => ensureBuilt());

const COMMANDS = ['add', 'check', 'del', 'gc', 'status', 'version', 'cache', 'demo'];

describe('usage errors exit 2 with the usage on stderr', () => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /missing command/],
    ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['unknown flag', ['add', 'net', '/run/netns/x', '--bogus'], /--bogus/],
    ['missing netns', ['add', 'net'], /missing <netns>/],
    ['missing both', ['del'], /missing <network> and <netns>/],
    ['extra argument', ['check', 'net', '/run/netns/x', 'extra'], /unexpected argument "extra"/],
    ['string flag without value', ['add', 'net', 'ns', '--conf-dir'], /--conf-dir/],
    ['bad --timeout', ['add', 'net', 'ns', '--timeout', 'soon'], /invalid --timeout "soon"/],
    ['unknown cache subcommand', ['cache', 'purge'], /unknown cache subcommand "purge"/],
    ['cache without subcommand', ['cache'], /missing subcommand/],
    ['cache show with two args', ['cache', 'show', 'a', 'b'], /want <network> <container-id> <ifname>/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const r = runCli(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Usage: cnikit/);
      assert.equal(r.stdout, '');
    });
  }
});

describe('--help', () => {
  it('cnikit --help lists every command and the exit codes', () => {
    const r = runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of [...COMMANDS, 'doctor']) assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'));
    assert.match(r.stdout, /Exit codes:[\s\S]*\n {2}3 {4}damage found: cache verify/);
  });
  for (const c of COMMANDS) {
    it(`cnikit ${c} --help prints its usage on stdout and exits 0`, () => {
      const r = runCli([c, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: cnikit ${c}`));
      assert.match(r.stdout, /--cache-dir DIR/);
      assert.match(r.stdout, /Exit codes:/);
      assert.equal(r.stderr, '');
    });
  }
  it('-h works and wins over missing arguments', () => {
    const r = runCli(['add', '-h']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: cnikit add/);
  });
  it('cache subcommands have their own help', () => {
    for (const sub of ['ls', 'show', 'verify']) {
      const r = runCli(['cache', sub, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: cnikit cache ${sub}`));
    }
  });
  it('help <command> is the command help', () => {
    assert.match(runCli(['help', 'gc']).stdout, /^Usage: cnikit gc/);
  });
});

describe('--json errors', () => {
  it('a usage error is the spec error object on stderr, nothing on stdout', () => {
    const r = runCli(['add', '--json', 'onlynetwork']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const err: unknown = JSON.parse(r.stderr);
    assert.deepEqual(err, { code: 4, msg: 'missing <netns>' });
  });
  it('an operation failure carries the code of its cause (config not found)', () => {
    const r = runCli(['add', '--json', 'nonet', '/run/netns/x', '--conf-dir', '/nonexistent-cnikit-dir']);
    assert.equal(r.code, 1);
    const err = JSON.parse(r.stderr) as { code: number; msg: string };
    assert.equal(typeof err.code, 'number');
    assert.notEqual(err.code, 0);
    assert.match(err.msg, /nonexistent-cnikit-dir/);
  });
  it('without --json the same failure is the bare message (as cnitool prints it)', () => {
    const r = runCli(['add', 'nonet', '/run/netns/x', '--conf-dir', '/nonexistent-cnikit-dir']);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, /^\{/);
    assert.match(r.stderr, /nonexistent-cnikit-dir/);
  });
});

describe('version', () => {
  it('--version and version print cnikit version and spec versions', () => {
    assert.match(runCli(['--version']).stdout, /^cnikit \d+\.\d+\.\d+/);
    const r = runCli(['version', '--json']);
    assert.equal(r.code, 0);
    const v = JSON.parse(r.stdout) as { cnikit: string; supportedVersions: string[] };
    assert.ok(v.supportedVersions.includes('1.1.0'));
  });
});

describe('doctor', () => {
  it('is dispatched to src/cli/doctor.ts and has its own help', () => {
    const r = runCli(['doctor', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: cnikit doctor/);
  });
});

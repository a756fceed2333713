import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommand } from './exec.ts';
import { ipKey, Liveness, parseIdList, readExternalLive } from './liveness.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-live-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('live set', () => {
  it('parses ID lists: one a line, comments and blanks skipped, first word of a table row', () => {
    assert.deepEqual(parseIdList('a1\r\n\n# note\n  b2  \nc3 Ready pod-x\n'), ['a1', 'b2', 'c3']);
  });

  it('reads --live-from and --live-cmd together', async () => {
    const file = join(dir, 'ids');
    await writeFile(file, 'from-file\n');
    const got = await readExternalLive({ liveFrom: file, liveCmd: 'printf "from-cmd\\n"' }, runCommand);
    assert.equal(got.ok, true);
    if (got.ok) assert.deepEqual([...got.ids].sort(), ['from-cmd', 'from-file']);
  });

  it('a failing source makes the answer unavailable, never empty', async () => {
    const cmd = await readExternalLive({ liveCmd: 'echo boom >&2; exit 4' }, runCommand);
    assert.deepEqual(cmd.ok ? 'ok' : cmd.error, '--live-cmd failed: boom');
    const file = await readExternalLive({ liveFrom: join(dir, 'missing') }, runCommand);
    assert.equal(file.ok, false);
  });

  it('compares IPs in any spelling', () => {
    assert.equal(ipKey('10.0.0.1'), ipKey('::ffff:10.0.0.1'));
    assert.equal(ipKey('fd00::1'), ipKey('fd00:0:0::1'));
    assert.equal(ipKey('not-an-ip'), undefined);
    const live = new Liveness({ available: true, sources: [] });
    live.addHeldIp('fd00::0:1');
    assert.equal(live.holdsIp('fd00::1'), true);
  });
});

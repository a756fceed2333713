// Is a container's interface really working? ICMP when `ping` is installed, else a TCP round trip through the
// kernel (a listener in one netns, a client in another): both prove routing, ARP and the veth pair.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { run } from './run.ts';

const LISTENER = `
const net = require('node:net');
const [bindIp, port] = process.argv.slice(1);
net.createServer((s) => s.end('pong\\n')).listen(Number(port), bindIp, () => console.log('ready'));
`;

const CLIENT = `
const net = require('node:net');
const [ip, port] = process.argv.slice(1);
const s = net.connect(Number(port), ip);
let got = '';
s.setTimeout(3000, () => { console.log('timeout'); process.exit(2); });
s.on('data', (d) => { got += d; });
s.on('end', () => { console.log(got.trim()); process.exit(got.trim() === 'pong' ? 0 : 3); });
s.on('error', (e) => { console.log(e.message); process.exit(4); });
`;

/** What a probe found: the method, whether the round trip worked, and what the client printed. */
export interface ProbeResult {
  readonly method: 'ping' | 'tcp';
  readonly ok: boolean;
  readonly detail: string;
}

/** True when an ICMP `ping` binary is installed. */
export function hasPing(): boolean {
  return ['/usr/bin/ping', '/bin/ping', '/usr/sbin/ping'].some((p) => existsSync(p));
}

/**
 * Serves "pong" on `bindIp:bindPort` inside netns `serverNs`, connects from netns `clientNs` to
 * `connectIp:connectPort`, and reports whether "pong" came back (the listener is killed before returning).
 */
export async function tcpProbe(
  serverNs: string,
  bindIp: string,
  bindPort: number,
  clientNs: string,
  connectIp: string,
  connectPort: number,
): Promise<ProbeResult> {
  const listener = spawn(
    'ip',
    ['netns', 'exec', serverNs, process.execPath, '-e', LISTENER, bindIp, String(bindPort)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('listener did not start in 20 s')), 20_000);
      listener.stdout.on('data', (b: Buffer) => {
        if (b.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      listener.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`listener exited ${code}`));
      });
    });
    const r = await run(
      'ip',
      ['netns', 'exec', clientNs, process.execPath, '-e', CLIENT, connectIp, String(connectPort)],
      {
        timeoutMs: 10_000,
      },
    );
    return { method: 'tcp', ok: r.code === 0, detail: (r.stdout + r.stderr).trim() };
  } finally {
    listener.kill('SIGKILL');
  }
}

/** Can netns `ctrNs` reach `gateway` (in netns `hostNs`)? `ping -c1 -W2` if installed, else a TCP round trip. */
export async function reachGateway(hostNs: string, ctrNs: string, gateway: string): Promise<ProbeResult> {
  if (hasPing()) {
    const r = await run('ip', ['netns', 'exec', ctrNs, 'ping', '-c1', '-W2', gateway]);
    return { method: 'ping', ok: r.code === 0, detail: (r.stdout + r.stderr).trim() };
  }
  return tcpProbe(hostNs, gateway, 7777, ctrNs, gateway, 7777);
}

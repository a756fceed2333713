// `cnikit doctor --watch`: a run every interval, metrics served over HTTP (/metrics, /healthz) and/or written to a
// textfile-collector file. Runs never overlap; a failed run is reported and the next one still happens.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DoctorOptions, type DoctorRun, runDoctorOnce } from './doctor.ts';
import { DoctorMetrics, writeMetricsFile } from './metrics.ts';

/** Where to listen: `host` undefined means every address (Go's ":PORT"). */
export interface ListenAddress {
  readonly host: string | undefined;
  readonly port: number;
}

/** Parses `:PORT`, `HOST:PORT` or `[V6]:PORT`; undefined when malformed. */
export function parseListen(text: string): ListenAddress | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  const host = m[1] ?? (m[2] === '' ? undefined : m[2]);
  return { host, port };
}

/** Options of the watch loop. */
export interface WatchOptions {
  readonly doctor: DoctorOptions;
  readonly intervalMs: number;
  readonly listen?: ListenAddress | undefined;
  readonly metricsFile?: string | undefined;
  readonly signal: AbortSignal;
  /** Called after every run (or failed run) with what happened. */
  readonly onRun: (run: DoctorRun | undefined, error: unknown) => void;
  /** Called once the server listens, with its real address. */
  readonly onListening?: ((addr: AddressInfo) => void) | undefined;
}

/** Serves the registry on /metrics and a liveness answer on /healthz. */
export function metricsServer(metrics: DoctorMetrics): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      metrics.text().then(
        (body) =>
          res.writeHead(200, { 'content-type': metrics.contentType }).end(req.method === 'HEAD' ? undefined : body),
        (e: unknown) =>
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e instanceof Error ? e.message : String(e)}\n`),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
    }
  });
}

/** Runs the doctor every interval until the signal aborts; resolves after the server has closed. */
export async function watch(opts: WatchOptions): Promise<void> {
  const metrics = await DoctorMetrics.create();
  let server: Server | undefined;
  if (opts.listen !== undefined) {
    const srv = metricsServer(metrics);
    server = srv;
    const { host, port } = opts.listen;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, host, () => {
        srv.off('error', reject);
        resolve();
      });
    });
    opts.onListening?.(srv.address() as AddressInfo);
  }
  try {
    while (!opts.signal.aborted) {
      try {
        const run = await runDoctorOnce({ ...opts.doctor, signal: opts.signal });
        metrics.update(run);
        if (opts.metricsFile !== undefined) await writeMetricsFile(opts.metricsFile, await metrics.text());
        opts.onRun(run, undefined);
      } catch (e) {
        opts.onRun(undefined, e);
      }
      await sleep(opts.intervalMs, undefined, { signal: opts.signal }).catch(() => undefined);
    }
  } finally {
    if (server !== undefined) {
      const s = server;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    }
  }
}

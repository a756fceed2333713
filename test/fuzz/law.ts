// The law every parser of outside bytes must keep, checked per input: it returns a value or throws a CNIError with a
// numeric code and a non-empty message; never another exception, never slower than the per-input bound, never
// touching a prototype, and memory stays bounded. A watchdog thread reports a parser that hangs outright (a sync
// loop blocks the test runner's own time-outs, so only another thread can see it).
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { CNIError } from '../../src/spec/errors.ts';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Inputs per parser: CNIKIT_FUZZ_RUNS, default 300 (a few thousand in all, CI-sized). */
export const FUZZ_RUNS = envInt('CNIKIT_FUZZ_RUNS', 300);
/** Per-input time bound in ms: CNIKIT_FUZZ_MAX_MS, default 1000. */
export const MAX_INPUT_MS = envInt('CNIKIT_FUZZ_MAX_MS', 1000);
/** Seed: CNIKIT_FUZZ_SEED, default 42 (fixed, so CI runs are reproducible). */
export const FUZZ_SEED = envInt('CNIKIT_FUZZ_SEED', 42);
/** A message longer than this bloats logs and memory: 64 KiB, far above any useful diagnostic (the spec's
 *  quoteValue/clipValue cut hostile values at 256 characters for exactly this reason). */
export const MAX_MESSAGE_CHARS = 64 * 1024;
/** Heap growth allowed across one parser's whole run, after a full GC (retention, not transient use). */
export const MAX_HEAP_GROWTH_BYTES = 64 * 1024 * 1024;
const HANG_MS = Math.max(10 * MAX_INPUT_MS, 20_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** What one parser's run found. */
export interface ParserStats {
  readonly parser: string;
  inputs: number;
  failures: number;
  values: number;
  errors: number;
  maxMs: number;
  maxMessage: number;
  heapGrowth: number;
  readonly codes: Map<number, number>;
}

const all: ParserStats[] = [];

/** How a call must end. */
export type Expect =
  /** A value, or a CNIError (checked by `isTyped`, default CNIError.is) with a numeric code. */
  | { readonly mode: 'value-or-cni'; readonly codes?: readonly number[]; readonly isTyped?: (e: unknown) => boolean }
  /** Always a value (decoders that report bad input as an outcome). */
  | { readonly mode: 'never-throws' };

const PROTO_OBJECTS: readonly object[] = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const protoSnapshot = (): string => PROTO_OBJECTS.map((p) => Reflect.ownKeys(p).map(String).sort().join(',')).join('|');
const PROTO_BEFORE = protoSnapshot();

/** Throws when anything reached a prototype. */
export function assertNoPollution(): void {
  const probe: Record<string, unknown> = {};
  assert.equal(probe.polluted, undefined, 'Object.prototype.polluted was set');
  assert.equal(Object.getPrototypeOf(probe), Object.prototype);
  assert.equal(protoSnapshot(), PROTO_BEFORE, 'a prototype gained or lost a key');
}

const PLAIN_PROTOS = new Set<unknown>([
  Object.prototype,
  Array.prototype,
  null,
  Buffer.prototype,
  Uint8Array.prototype,
  Map.prototype,
]);

/** Throws when a returned value holds an object whose prototype was swapped (`__proto__` assigned, not defined). */
export function assertPlainValue(value: unknown): void {
  const stack: unknown[] = [value];
  const seen = new Set<unknown>();
  // Bounded: a 100,000-element array is checked only in part, which is enough to catch a swapped prototype.
  for (let n = 0; stack.length > 0 && n < 50_000; n++) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    assert.ok(PLAIN_PROTOS.has(Object.getPrototypeOf(v)), 'a returned object has a foreign prototype');
    if (v instanceof Uint8Array || v instanceof Map) continue;
    for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
}

// The watchdog: a counter the main thread bumps per input; if it stands still for HANG_MS the worker prints which
// parser hung and kills the process (SIGABRT leaves a core and a non-zero exit; nothing else can interrupt a loop).
const beat = new Int32Array(new SharedArrayBuffer(8));
let watchdog: Worker | undefined;
let current = '';
function startWatchdog(): void {
  if (watchdog !== undefined) return;
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { writeSync } = require('node:fs');
    const beat = workerData.beat;
    let name = '', last = -1, since = Date.now();
    parentPort.on('message', (m) => { name = m; });
    setInterval(() => {
      const now = Atomics.load(beat, 0);
      if (now !== last) { last = now; since = Date.now(); return; }
      if (Atomics.load(beat, 1) === 1 && Date.now() - since > workerData.hangMs) {
        writeSync(2, 'fuzz watchdog: parser ' + name + ' hung on input #' + now + ' for ' + workerData.hangMs + ' ms\\n');
        process.kill(process.pid, 'SIGABRT');
      }
    }, 500);
  `;
  watchdog = new Worker(code, { eval: true, workerData: { beat, hangMs: HANG_MS } });
  watchdog.unref();
}

function setCurrent(name: string, running: boolean): void {
  if (name !== current) {
    current = name;
    watchdog?.postMessage(name);
  }
  Atomics.store(beat, 1, running ? 1 : 0);
}

function checkThrown(e: unknown, expect: Expect, stats: ParserStats, ms: number): void {
  if (expect.mode === 'never-throws') assert.fail(`threw (must never throw): ${describe(e)}`);
  const typed = expect.isTyped ?? CNIError.is;
  assert.ok(typed(e), `not a CNIError: ${describe(e)}`);
  assert.ok(CNIError.is(e), `not a CNIError: ${describe(e)}`);
  // 0 is no spec code, but a plugin may print it and upstream passes it on as is; anything else must be a code.
  assert.ok(Number.isInteger(e.code) && e.code >= 0, `code ${String(e.code)} is not a CNI code`);
  if (expect.codes !== undefined) assert.ok(expect.codes.includes(e.code), `code ${e.code} not in ${expect.codes}`);
  assert.ok(typeof e.message === 'string' && e.message.length > 0, 'empty message');
  assert.ok(typeof e.msg === 'string' && e.msg.length > 0, 'empty msg');
  stats.maxMessage = Math.max(stats.maxMessage, e.message.length);
  assert.ok(
    e.message.length <= MAX_MESSAGE_CHARS,
    `message of ${e.message.length} chars (bound ${MAX_MESSAGE_CHARS}): ${e.message.slice(0, 120)}…`,
  );
  stats.codes.set(e.code, (stats.codes.get(e.code) ?? 0) + 1);
  stats.errors++;
  assert.ok(ms < MAX_INPUT_MS, `took ${ms.toFixed(0)} ms (bound ${MAX_INPUT_MS} ms)`);
}

/**
 * A fresh flat copy of a short string. V8 keeps a slice of a long string pointing at the whole of it, so a
 * kept `input.slice(0, 200)` of a 1 MB input would keep the megabyte alive and skew the heap figure.
 */
function detached(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

/** A short, printable view of an input (the shrunk counterexample may still be megabytes). */
export function preview(input: unknown): string {
  return detached(previewOf(input));
}

function previewOf(input: unknown): string {
  const show = (v: unknown): string => {
    if (v instanceof Uint8Array) {
      const text = JSON.stringify(Buffer.from(v.subarray(0, 200)).toString('latin1'));
      return `${v.byteLength} bytes ${text}${v.byteLength > 200 ? '…' : ''}`;
    }
    if (typeof v === 'string')
      return `${v.length} chars ${JSON.stringify(v.slice(0, 200))}${v.length > 200 ? '…' : ''}`;
    if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
    const text = JSON.stringify(v) ?? String(v);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  };
  return show(input);
}

function describe(e: unknown): string {
  if (e instanceof Error) return detached(`${e.name}: ${e.message.slice(0, 300)}`);
  return detached(String(e).slice(0, 300));
}

/** One input that broke the law. */
interface Broken {
  readonly run: number;
  /** A short view of the input (inputs themselves may be megabytes; keeping them would skew the heap figure). */
  readonly input: string;
  readonly cause: string;
}

/**
 * Feeds `runs` inputs from `arb` to `call` under the law; `check` may add per-value assertions. Every input is
 * tried (a failure does not stop the run, so the count is of all inputs); prints
 * `fuzz <parser>: inputs=N failures=F ...` and then throws, naming each distinct failure with an input and the
 * fast-check replay parameters, if any input broke the law.
 */
export async function fuzzParser<T>(
  parser: string,
  arb: fc.Arbitrary<T>,
  call: (input: T) => unknown,
  expect: Expect,
  options: { readonly runs?: number; readonly check?: (value: unknown, input: T) => void } = {},
): Promise<ParserStats> {
  startWatchdog();
  const stats: ParserStats = {
    parser,
    inputs: 0,
    failures: 0,
    values: 0,
    errors: 0,
    maxMs: 0,
    maxMessage: 0,
    heapGrowth: 0,
    codes: new Map(),
  };
  all.push(stats);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const runs = options.runs ?? FUZZ_RUNS;
  const broken: Broken[] = [];
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (input) => {
        const run = stats.inputs++;
        Atomics.add(beat, 0, 1);
        setCurrent(parser, true);
        try {
          await lawHolds(call, input, expect, stats, options.check);
        } catch (e) {
          stats.failures++;
          broken.push({ run, input: preview(input), cause: describe(e) });
          restorePrototypes();
        }
      }),
      { seed: FUZZ_SEED, numRuns: runs },
    );
  } finally {
    setCurrent(parser, false);
  }
  gc();
  stats.heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  console.log(formatStats(stats));
  if (broken.length > 0) throw new Error(brokenReport(parser, broken));
  assert.ok(
    stats.heapGrowth < MAX_HEAP_GROWTH_BYTES,
    `heap grew by ${(stats.heapGrowth / MIB_F).toFixed(1)} MiB over the run`,
  );
  return stats;
}

async function lawHolds<T>(
  call: (input: T) => unknown,
  input: T,
  expect: Expect,
  stats: ParserStats,
  check: ((value: unknown, input: T) => void) | undefined,
): Promise<void> {
  const started = performance.now();
  let value: unknown;
  let thrown: { e: unknown } | undefined;
  try {
    value = await call(input);
  } catch (e) {
    thrown = { e };
  }
  const ms = performance.now() - started;
  stats.maxMs = Math.max(stats.maxMs, ms);
  if (thrown !== undefined) checkThrown(thrown.e, expect, stats, ms);
  else {
    stats.values++;
    assert.ok(ms < MAX_INPUT_MS, `took ${ms.toFixed(0)} ms (bound ${MAX_INPUT_MS} ms)`);
    assertPlainValue(value);
    check?.(value, input);
  }
  assertNoPollution();
}

/** Each distinct failure once (by the start of its cause), with an input that shows it and how to replay that run. */
function brokenReport(parser: string, broken: readonly Broken[]): string {
  const seen = new Map<string, Broken & { count: number }>();
  for (const b of broken) {
    const key = b.cause.slice(0, 60);
    const prior = seen.get(key);
    if (prior === undefined) seen.set(key, { ...b, count: 1 });
    else prior.count++;
  }
  const lines = [...seen.values()].map(
    (b) =>
      `  ${b.count}x ${b.cause.slice(0, 240)}\n     e.g. input ${b.input}\n` +
      `     replay: fc.assert(prop, { seed: ${FUZZ_SEED}, path: "${b.run}" })`,
  );
  return `fuzz ${parser}: ${broken.length} of ${FUZZ_RUNS} inputs broke the law\n${lines.join('\n')}`;
}

/** Undoes a pollution so later inputs are judged on their own. */
function restorePrototypes(): void {
  const before = new Set(PROTO_BEFORE.split('|').flatMap((keys) => keys.split(',')));
  for (const p of PROTO_OBJECTS) {
    for (const k of Reflect.ownKeys(p)) if (!before.has(String(k))) Reflect.deleteProperty(p, k);
  }
}

const MIB_F = 1024 * 1024;

/** One line per parser: the figures CI prints. */
export function formatStats(s: ParserStats): string {
  const codes = [...s.codes.entries()]
    .sort(([a], [b]) => a - b)
    .map(([c, n]) => `${c}:${n}`)
    .join(',');
  return (
    `fuzz ${s.parser}: inputs=${s.inputs} failures=${s.failures} values=${s.values} errors=${s.errors}` +
    ` codes={${codes}} max-ms=${s.maxMs.toFixed(1)} max-message=${s.maxMessage}` +
    ` heap-growth-mib=${(s.heapGrowth / MIB_F).toFixed(1)}`
  );
}

/** The total line over every parser run in this process. */
export function totalLine(): string {
  const inputs = all.reduce((n, s) => n + s.inputs, 0);
  const failures = all.reduce((n, s) => n + s.failures, 0);
  const maxMs = Math.max(0, ...all.map((s) => s.maxMs));
  const rss = process.memoryUsage().rss / MIB_F;
  return (
    `fuzz total: parsers=${all.length} inputs=${inputs} failures=${failures} runs-per-parser=${FUZZ_RUNS}` +
    ` seed=${FUZZ_SEED} max-ms=${maxMs.toFixed(1)} rss-mib=${rss.toFixed(0)}`
  );
}

/** Stops the watchdog (call in `after`). */
export async function stopWatchdog(): Promise<void> {
  await watchdog?.terminate();
  watchdog = undefined;
}

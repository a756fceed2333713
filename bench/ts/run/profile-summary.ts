// Where the time goes in a `node --cpu-prof` profile of the bundled harness: self time by function and by area
// (our src/ directories, Node internals, GC, idle), and inclusive time of our own functions, with bundle
// positions mapped back to src/ through the bundle's source map.
//   node --import tsx bench/ts/run/profile-summary.ts FILE.cpuprofile [MAP] [TOP]
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { isRecord } from '../../../src/spec/index.ts';

interface ProfileNode {
  readonly id: number;
  readonly functionName: string;
  readonly url: string;
  readonly line: number;
  readonly column: number;
  readonly children: readonly number[];
}

function parseProfile(text: string): { nodes: Map<number, ProfileNode>; samples: number[]; deltas: number[] } {
  const v: unknown = JSON.parse(text);
  if (!isRecord(v) || !Array.isArray(v.nodes) || !Array.isArray(v.samples) || !Array.isArray(v.timeDeltas)) {
    throw new Error('not a .cpuprofile');
  }
  const nodes = new Map<number, ProfileNode>();
  for (const n of v.nodes) {
    if (!isRecord(n) || typeof n.id !== 'number' || !isRecord(n.callFrame)) continue;
    const cf = n.callFrame;
    nodes.set(n.id, {
      id: n.id,
      functionName: typeof cf.functionName === 'string' ? cf.functionName : '',
      url: typeof cf.url === 'string' ? cf.url : '',
      line: typeof cf.lineNumber === 'number' ? cf.lineNumber : -1,
      column: typeof cf.columnNumber === 'number' ? cf.columnNumber : -1,
      children: Array.isArray(n.children) ? n.children.filter((c): c is number => typeof c === 'number') : [],
    });
  }
  const nums = (a: unknown[]): number[] => a.filter((x): x is number => typeof x === 'number');
  return { nodes, samples: nums(v.samples), deltas: nums(v.timeDeltas) };
}

/** Summarizes one profile as text: `top` rows per table. */
export function summarizeProfile(file: string, mapFile: string | undefined, top = 15): string {
  const { nodes, samples, deltas } = parseProfile(readFileSync(file, 'utf8'));
  const map =
    mapFile !== undefined && existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined;
  const where = (n: ProfileNode): string => {
    if (n.url.endsWith('.cjs') && map !== undefined && n.line >= 0) {
      const e = map.findEntry(n.line, n.column);
      if ('originalSource' in e && typeof e.originalSource === 'string') {
        const src = e.originalSource.replace(/^.*?\/(src|bench|node_modules)\//, '$1/');
        return `${src}:${e.originalLine + 1}`;
      }
    }
    if (n.url === '') return '';
    return `${n.url.replace(/^file:\/\//, '')}:${n.line + 1}`;
  };
  const area = (n: ProfileNode, loc: string): string => {
    if (n.url === '') return n.functionName.startsWith('(') ? n.functionName : '(native)';
    const m = /^src\/([a-z-]+)\//.exec(loc);
    if (m) return `src/${m[1]}`;
    if (loc.startsWith('bench/')) return 'bench harness';
    if (loc.startsWith('node_modules/')) return 'node_modules';
    if (n.url.startsWith('node:')) return `node:${n.url.slice(5).split('/').slice(0, 2).join('/')}`;
    return 'other';
  };

  const self = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i];
    const d = deltas[i + 1] ?? 0; // a sample's time runs until the next one
    if (id !== undefined) self.set(id, (self.get(id) ?? 0) + d / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  const info = new Map<number, { key: string; area: string }>();
  for (const n of nodes.values()) {
    const loc = where(n);
    const key = `${n.functionName || '(anonymous)'} ${loc}`.trim();
    info.set(n.id, { key, area: area(n, loc) });
  }
  for (const [id, ms] of self) {
    const i = info.get(id);
    if (i === undefined) continue;
    byFn.set(i.key, (byFn.get(i.key) ?? 0) + ms);
    byArea.set(i.area, (byArea.get(i.area) ?? 0) + ms);
  }
  // Inclusive time of our own functions, counting a function once per stack (recursion is not double counted).
  const incl = new Map<string, number>();
  const childIds = new Set([...nodes.values()].flatMap((n) => n.children));
  const rootsOf = [...nodes.values()].filter((n) => !childIds.has(n.id));
  const walk = (n: ProfileNode, onPath: Set<string>): number => {
    let t = self.get(n.id) ?? 0;
    const i = info.get(n.id);
    const key = i?.area.startsWith('src/') && !onPath.has(i.key) ? i.key : undefined;
    if (key !== undefined) onPath.add(key);
    for (const c of n.children) {
      const child = nodes.get(c);
      if (child) t += walk(child, onPath);
    }
    if (key !== undefined) {
      onPath.delete(key);
      incl.set(key, (incl.get(key) ?? 0) + t);
    }
    return t;
  };
  for (const r of rootsOf) walk(r, new Set());

  const pct = (ms: number): string => `${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%`;
  const rows = (m: Map<string, number>, n: number): string[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, ms]) => `  ${pct(ms)}  ${k}`);
  return [
    `  profile ${total.toFixed(0)} ms sampled`,
    '  self time by area:',
    ...rows(byArea, 20),
    `  self time, top ${top} functions:`,
    ...rows(byFn, top),
    `  inclusive time, top ${top} of our src/ functions:`,
    ...rows(incl, top),
  ].join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, mapFile, top] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: profile-summary.ts FILE.cpuprofile [MAP] [TOP]\n');
    process.exit(2);
  }
  console.log(summarizeProfile(file, mapFile, top === undefined ? 15 : Number(top)));
}

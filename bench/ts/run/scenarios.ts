// The scenarios of issue 10 as harness invocations: the same flags go to cnibench and cnikit-bench, so both run
// the same configs, plugins and iteration counts. `quick` shrinks every count for a CI smoke pass.

/** What a scenario needs from the run: paths and namespaces. */
export interface ScenarioContext {
  readonly confDir: string;
  readonly pluginPath: string;
  readonly containerNetns: string;
  /** Path pattern with `%d`, made on demand for `count` attachments. */
  readonly perAttachmentNetns: (count: number) => string;
  /** A cache dir generated for the listing scenario. */
  readonly listCacheDir: string;
}

/** A figure to compare: a pooled sample metric, or a per-run number from `extra` / maxRssKiB. */
export type Figure =
  | { readonly kind: 'metric'; readonly go: string; readonly ts: string; readonly label: string }
  | { readonly kind: 'extra'; readonly key: string; readonly label: string }
  | { readonly kind: 'rss'; readonly label: string };

/** A goal on one figure's median ratio cnikit/Go. */
export interface Goal {
  readonly label: string;
  readonly max: number;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly rounds: number;
  /** Flags for both harnesses. */
  readonly args: (ctx: ScenarioContext) => string[];
  /** Flags only cnibench takes (cnikit always writes durably). */
  readonly goOnly?: readonly string[];
  readonly figures: readonly Figure[];
  readonly goal?: Goal;
}

/** The port mapping portmap is asked for, on ADD and on DEL (libcni 1.1.2 does not restore it on DEL). */
export const CAP_ARGS = '{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}';

const metric = (name: string, label = name): Figure => ({ kind: 'metric', go: name, ts: name, label });

const REALISTIC_PLUGINS = ['bridge', 'portmap', 'firewall', 'tuning'];

/**
 * With -perplugin both harnesses time each plugin exec inside the runtime; cnikit-bench also times the runtime's
 * cache reads, writes and removes (Go's plain write is not separable inside libcni, so those rows have no Go side).
 */
function breakdown(plugins: readonly string[]): Figure[] {
  return [
    ...plugins.flatMap((p) => [metric(`plugin:${p}:add`), metric(`plugin:${p}:del`)]),
    metric('cache:write'),
    metric('cache:read'),
    metric('cache:remove'),
  ];
}

/** Every scenario, with full or quick counts. */
export function scenarios(quick: boolean): Scenario[] {
  const q = <T>(full: T, small: T): T => (quick ? small : full);
  const common = (ctx: ScenarioContext): string[] => ['-conf-dir', ctx.confDir, '-plugin-path', ctx.pluginPath];
  // The four chain scenarios differ only in mode, network, counts and whether they time each plugin.
  const chain =
    (mode: 'cycle' | 'exec', net: string, n: number, warmup: number, perPlugin: boolean) =>
    (ctx: ScenarioContext): string[] => [
      '-mode',
      mode,
      ...common(ctx),
      '-net',
      net,
      '-netns',
      ctx.containerNetns,
      // realnet has portmap, which takes the port mappings as a capability.
      ...(net === 'realnet' ? ['-cap-args', CAP_ARGS] : []),
      '-n',
      String(n),
      '-warmup',
      String(warmup),
      ...(perPlugin ? ['-perplugin'] : []),
      '-raw',
    ];
  const total = q(256, 8);
  const concurrency = q(32, 4);
  return [
    {
      id: 'trivial',
      title: `1. Trivial chain (cnigo-noop), ${q(500, 20)} ADD+DEL cycles per process`,
      rounds: q(3, 1),
      args: chain('cycle', 'trivial-gonoop', q(500, 20), q(20, 2), true),
      figures: [metric('cycle'), metric('add'), metric('del'), ...breakdown(['cnigo-noop'])],
      goal: { label: 'cycle', max: 1.1 },
    },
    {
      id: 'trivial-floor',
      title: `1b. Plugin-exec floor, trivial chain (exec cnigo-noop directly), ${q(500, 20)} cycles`,
      rounds: q(3, 1),
      args: chain('exec', 'trivial-gonoop', q(500, 20), q(20, 2), false),
      figures: [metric('exec:cycle'), metric('exec:add'), metric('exec:del')],
    },
    {
      id: 'realistic',
      title: `2. Realistic chain (bridge+host-local, portmap, firewall, tuning; /23), ${q(100, 3)} cycles`,
      rounds: q(3, 1),
      args: chain('cycle', 'realnet', q(100, 3), q(3, 1), true),
      figures: [metric('cycle'), metric('add'), metric('del'), ...breakdown(REALISTIC_PLUGINS)],
      goal: { label: 'cycle', max: 1.0 },
    },
    {
      id: 'realistic-floor',
      title: `2b. Plugin-exec floor, realistic chain, ${q(100, 3)} cycles`,
      rounds: q(2, 1),
      args: chain('exec', 'realnet', q(100, 3), q(3, 1), false),
      figures: [metric('exec:cycle'), metric('exec:add'), metric('exec:del')],
    },
    {
      id: 'concurrent',
      title: `3. Concurrency, realistic chain: ${total} attachments, ${concurrency} at a time`,
      rounds: q(2, 1),
      args: (ctx) => [
        '-mode',
        'concurrent',
        ...common(ctx),
        '-net',
        'realnet',
        '-netns',
        ctx.perAttachmentNetns(total),
        '-cap-args',
        CAP_ARGS,
        '-total',
        String(total),
        '-concurrency',
        String(concurrency),
        '-raw',
      ],
      figures: [
        { kind: 'extra', key: 'totalWallMs', label: 'total wall' },
        { kind: 'extra', key: 'addWallMs', label: 'ADD wall' },
        { kind: 'extra', key: 'delWallMs', label: 'DEL wall' },
        metric('add', 'add (each)'),
        metric('del', 'del (each)'),
      ],
      goal: { label: 'total wall', max: 1.0 },
    },
    {
      id: 'cache-write',
      title: `4a. Cache: write one entry (cnikit durable) against Go libcni 1.1.2's plain write, ${q(1000, 20)} writes`,
      rounds: q(3, 1),
      args: () => ['-mode', 'cache-write', '-n', String(q(1000, 20)), '-warmup', String(q(20, 2)), '-raw'],
      goOnly: ['-durable'],
      figures: [
        metric('cacheAdd', 'durable vs Go plain'),
        { kind: 'metric', go: 'cacheAddDurable', ts: 'cacheAdd', label: 'durable vs Go durable' },
      ],
    },
    {
      id: 'cache-read',
      title: `4b. Cache: read one entry (getNetworkListCachedResult), ${q(2000, 50)} reads`,
      rounds: q(3, 1),
      args: () => ['-mode', 'cache-read', '-n', String(q(2000, 50)), '-warmup', String(q(100, 5)), '-raw'],
      figures: [metric('getCachedResult')],
    },
    {
      id: 'list',
      title: `4c. Cache: getCachedAttachments over ${q('100,000', '500')} entries (fresh process, ${q(3, 2)} listings)`,
      rounds: q(3, 1),
      args: (ctx) => [
        '-mode',
        'list',
        '-cache-dir',
        ctx.listCacheDir,
        '-entries',
        '0',
        '-n',
        String(q(3, 2)),
        '-warmup',
        '1',
        '-raw',
      ],
      figures: [metric('list'), { kind: 'rss', label: 'peak RSS (KiB)' }],
      goal: { label: 'list', max: 1.0 },
    },
  ];
}

/** Entries generated for the listing scenario. */
export function listEntries(quick: boolean): number {
  return quick ? 500 : 100_000;
}

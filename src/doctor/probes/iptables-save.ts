// iptables-save output as data: tables, chain declarations, and each rule split into the words iptables itself
// would parse (quotes and backslash escapes undone), so a rule can be deleted with exactly the words it was saved as.

/** One `-A CHAIN ...` line. */
export interface SavedRule {
  readonly table: string;
  readonly chain: string;
  /** The line as printed. */
  readonly line: string;
  /** Words after `-A CHAIN`, unquoted (what `iptables -t T -D CHAIN` takes). */
  readonly spec: readonly string[];
  /** The `-j` / `-g` target, if any. */
  readonly target: string | undefined;
  /** The `--comment` text, if any. */
  readonly comment: string | undefined;
}

/** One `*table` section. */
export interface SavedTable {
  readonly name: string;
  readonly chains: readonly string[];
  readonly rules: readonly SavedRule[];
}

/** Splits a saved rule line into words the way iptables-restore does: `"..."` groups, `\x` escapes inside quotes. */
export function splitRuleWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? '';
    if (quoted) {
      if (ch === '\\' && i + 1 < line.length) {
        cur += line[++i] ?? '';
      } else if (ch === '"') {
        quoted = false;
      } else {
        cur += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

function after(words: readonly string[], flags: readonly string[]): string | undefined {
  for (let i = 0; i < words.length - 1; i++) if (flags.includes(words[i] ?? '')) return words[i + 1];
  return undefined;
}

/** Parses a whole iptables-save (or ip6tables-save) output. Lines it does not know are ignored. */
export function parseIptablesSave(text: string): SavedTable[] {
  const tables: { name: string; chains: string[]; rules: SavedRule[] }[] = [];
  let cur: { name: string; chains: string[]; rules: SavedRule[] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.startsWith('*')) {
      cur = { name: line.slice(1), chains: [], rules: [] };
      tables.push(cur);
    } else if (cur === undefined || line === '' || line.startsWith('#')) {
      // outside a table, blank, or a comment
    } else if (line === 'COMMIT') {
      cur = undefined;
    } else if (line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0];
      if (name !== undefined && name !== '') cur.chains.push(name);
    } else if (line.startsWith('-A ')) {
      const words = splitRuleWords(line);
      const chain = words[1];
      if (chain === undefined) continue;
      const spec = words.slice(2);
      cur.rules.push({
        table: cur.name,
        chain,
        line,
        spec,
        target: after(spec, ['-j', '--jump', '-g', '--goto']),
        comment: after(spec, ['--comment']),
      });
    }
  }
  return tables;
}

const COMMENT_RE = /^(dnat )?name: "([^"\\]*)" id: "([^"\\]*)"$/;

/** The network and container a reference plugin's comment names (`name: "<net>" id: "<cid>"`, portmap's `dnat ...`). */
export function parseCniComment(comment: string): { network: string; containerId: string } | undefined {
  const m = COMMENT_RE.exec(comment);
  if (m === null) return undefined;
  const network = m[2] ?? '';
  const containerId = m[3] ?? '';
  return network === '' || containerId === '' ? undefined : { network, containerId };
}

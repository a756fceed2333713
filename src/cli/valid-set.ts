// The attachments `cnikit gc` must keep, from --valid and --valid-file. Upstream cnitool's gc passes none, which
// makes GC delete every cached attachment of the network; cnikit refuses unless the user says which survive.
import { readFile } from 'node:fs/promises';
import type { GCAttachment } from '../spec/index.ts';
import { UsageError } from './usage-error.ts';

/** Parses one `CONTAINER_ID/IFNAME` entry (IDs and interface names can never contain '/'). */
export function parseValidEntry(entry: string, origin: string, usage: string): GCAttachment {
  const parts = entry.split('/');
  const [containerID, ifname] = parts;
  if (parts.length !== 2 || containerID === undefined || containerID === '' || ifname === undefined || ifname === '') {
    throw new UsageError(`invalid ${origin} entry ${JSON.stringify(entry)}: want CONTAINER_ID/IFNAME`, usage);
  }
  return { containerID, ifname };
}

/** Entries of the --valid flags: each value is a comma-separated list. */
export function validFromFlags(values: readonly string[], usage: string): GCAttachment[] {
  return values.flatMap((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => parseValidEntry(s, '--valid', usage)),
  );
}

/** Entries of a --valid-file: one CONTAINER_ID/IFNAME per line; blank lines and '#' comments are skipped. */
export async function validFromFile(path: string, usage: string): Promise<GCAttachment[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --valid-file ${path}: ${e instanceof Error ? e.message : String(e)}`, usage);
  }
  const out: GCAttachment[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line !== '' && !line.startsWith('#')) out.push(parseValidEntry(line, `${path}:${i + 1}`, usage));
  });
  return out;
}

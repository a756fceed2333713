// Every network name in a conf dir. Cache file names are `<network>-<containerID>-<ifName>` with '-' allowed in
// all three parts, so a bad file's owner can only be recovered knowing which networks exist.
import { readFile } from 'node:fs/promises';
import { listConfFiles } from '../runtime/index.ts';

/** Names of the networks in `confDir`'s .conflist/.conf/.json files; unreadable or malformed files are skipped. */
export async function networkNamesIn(confDir: string): Promise<string[]> {
  let files: string[];
  try {
    files = await listConfFiles(confDir, ['.conflist', '.conf', '.json']);
  } catch {
    return [];
  }
  const names = new Set<string>();
  for (const file of files) {
    try {
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        const name: unknown = Reflect.get(parsed, 'name');
        if (typeof name === 'string' && name !== '') names.add(name);
      }
    } catch {
      // A listing must not fail because one config is broken; `cnikit add` reports that file properly.
    }
  }
  return [...names];
}

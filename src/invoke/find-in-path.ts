// Plugin lookup in CNI_PATH order, as libcni's invoke.FindInPath does, refusing types that could leave the dirs.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { goQuote } from '../spec/go-quote.ts';
import { InvalidPluginTypeError, PluginNotFoundError } from './errors.ts';

// A type is a bare file name: no separator (either slash), no NUL, and no ".." that could climb out of a dir.
const UNSAFE = /[/\\\0]|\.\./;

/**
 * The first `<dir>/<pluginType>` that is a regular file (symlinks followed; the executable bit is not checked,
 * as upstream), trying `paths` in order and skipping empty entries. Throws InvalidPluginTypeError or
 * PluginNotFoundError with upstream's messages.
 */
export async function findInPath(pluginType: string, paths: readonly string[]): Promise<string> {
  if (pluginType === '') throw new InvalidPluginTypeError(pluginType, 'no plugin name provided');
  if (UNSAFE.test(pluginType)) {
    throw new InvalidPluginTypeError(pluginType, `invalid plugin name: ${pluginType}`);
  }
  if (paths.length === 0) throw new PluginNotFoundError(pluginType, paths, 'no paths provided');
  for (const dir of paths) {
    if (dir === '') continue;
    const candidate = join(dir, pluginType);
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // missing or unreadable: try the next dir, as upstream does
    }
  }
  throw new PluginNotFoundError(
    pluginType,
    paths,
    `failed to find plugin ${goQuote(pluginType)} in path [${paths.join(' ')}]`,
  );
}

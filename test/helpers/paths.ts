// Where things are in the repository, computed from this file's place (test/helpers/).
import { join } from 'node:path';

/** The repository root. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Where scripts/bundle.mjs puts cnikit's own plugins (cnikit-noop, ...). */
export const PLUGINS_BIN = join(REPO_ROOT, 'plugins', 'bin');

// Colour for humans only: off when the stream is not a terminal, when NO_COLOR is set (no-color.org: any
// non-empty value) or TERM is "dumb". util.styleText in early Node 20 releases checks nothing, later ones check
// process.stdout only (wrong for stderr), so we decide per stream ourselves and tell styleText not to.
import * as util from 'node:util';
import type { Output } from './io.ts';

type Format = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

/** Text stylers bound to one stream's colour decision. */
export type Style = Readonly<Record<Format, (text: string) => string>>;

const plain = (text: string): string => text;

/** True when colour escapes may be written to `out`. */
export function colourEnabled(out: Output, env: Readonly<Record<string, string | undefined>>): boolean {
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  if (env.TERM === 'dumb') return false;
  return out.isTTY;
}

/** Stylers for `out`: identity functions when colour is off or util.styleText is missing (Node < 20.12). */
export function styleFor(out: Output, env: Readonly<Record<string, string | undefined>>): Style {
  const styleText: unknown = Reflect.get(util, 'styleText');
  if (!colourEnabled(out, env) || typeof styleText !== 'function') {
    return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  }
  const make =
    (f: Format) =>
    (text: string): string =>
      String(styleText(f, text, { validateStream: false }));
  return {
    bold: make('bold'),
    dim: make('dim'),
    red: make('red'),
    green: make('green'),
    yellow: make('yellow'),
    cyan: make('cyan'),
  };
}

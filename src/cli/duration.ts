// --timeout values: "30s", "2m", "1.5h", "500ms", or a bare number of milliseconds.

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;

/** Milliseconds for a duration text, or undefined when it is not one (0 is valid: it disables the limit). */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (m === null) return undefined;
  const value = Number(m[1]);
  const unit = UNIT_MS[m[2] ?? 'ms'] ?? 1;
  const ms = Math.round(value * unit);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * Parses a duration such as `30d`, `12h`, `1w`, `90s` or `250ms` into milliseconds.
 * Months and years are not accepted because their length varies.
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(text);
  if (!match) throw new RangeError(`bad duration "${text}": use a number and one of ms, s, m, h, d, w (e.g. 30d)`);
  const ms = Number(match[1]) * UNIT_MS[match[2] as string]!;
  if (!(ms > 0) || !Number.isFinite(ms)) throw new RangeError(`bad duration "${text}": must be positive`);
  return ms;
}

/** Writes milliseconds in the largest unit that divides them (`1w`, `365d`, `90s`, `1500ms`); {@link parseDuration} reads it back. */
export function durationText(ms: number): string {
  for (const [unit, size] of Object.entries(UNIT_MS).reverse()) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** How a series is cut into tasks: whole, every `rows` rows, or by epoch-aligned windows of `ms`. */
export type Split = { kind: "none" } | { kind: "rows"; rows: number } | { kind: "window"; ms: number };

/** Owned rows [start, end) of one slice, 0-based, after context rows from haloStart = max(0, start - halo). */
export interface SliceRange {
  haloStart: number;
  start: number;
  end: number;
}

/**
 * Partitions the rows of an ascending time axis into owned ranges (empty windows give no slice),
 * each with a halo of up to `halo` preceding rows so windowed indicators are exact at the edges.
 */
export function planSlices(time: Float64Array, split: Split, halo: number): SliceRange[] {
  if (!Number.isInteger(halo) || halo < 0) throw new RangeError(`halo must be an integer ≥ 0, got ${halo}`);
  const starts = sliceStarts(time, split);
  return starts.map((start, i) => ({
    haloStart: Math.max(0, start - halo),
    start,
    end: starts[i + 1] ?? time.length,
  }));
}

function sliceStarts(time: Float64Array, split: Split): number[] {
  const n = time.length;
  switch (split.kind) {
    case "none":
      return n === 0 ? [] : [0];
    case "rows": {
      const { rows } = split;
      if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`split rows must be an integer ≥ 1, got ${rows}`);
      return Array.from({ length: Math.ceil(n / rows) }, (_, i) => i * rows);
    }
    case "window": {
      const { ms } = split;
      if (!(ms > 0) || !Number.isFinite(ms)) {
        throw new RangeError(`split window must be a finite number of ms > 0, got ${ms}`);
      }
      const starts: number[] = [];
      let window = NaN;
      for (let i = 0; i < n; i++) {
        const w = Math.floor(time[i]! / ms);
        if (w !== window) starts.push(i);
        window = w;
      }
      return starts;
    }
    default:
      throw new RangeError(`unknown split kind ${JSON.stringify((split as { kind: unknown }).kind)}`);
  }
}

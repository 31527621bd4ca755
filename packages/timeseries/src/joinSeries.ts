import type { Series } from "./Series.ts";
import { ShardError } from "./ShardError.ts";

/**
 * Consecutive pieces of one series (same key and columns, each after the one before) as one
 * series: how a series stored as chunks is put back together. A single piece is returned as is.
 */
export function joinSeries(pieces: readonly Series[]): Series {
  const first = pieces[0];
  if (!first) throw new ShardError("no pieces to join");
  if (pieces.length === 1) return first;
  const names = Object.keys(first.columns);
  let rows = 0;
  let last = -Infinity;
  for (const piece of pieces) {
    if (piece.key !== first.key) throw new ShardError(`a piece of series ${JSON.stringify(first.key)} is keyed ${JSON.stringify(piece.key)}`);
    const pieceNames = Object.keys(piece.columns);
    if (pieceNames.join("\u0000") !== names.join("\u0000")) throw new ShardError(`a piece of series ${JSON.stringify(first.key)} has columns ${JSON.stringify(pieceNames)}, not ${JSON.stringify(names)}`);
    if (piece.time.length > 0) {
      if (piece.time[0]! <= last) throw new ShardError(`pieces of series ${JSON.stringify(first.key)} overlap or are out of order at time ${piece.time[0]}`);
      last = piece.time[piece.time.length - 1]!;
    }
    rows += piece.time.length;
  }
  const join = (column: (piece: Series) => Float64Array): Float64Array => {
    const out = new Float64Array(rows);
    let at = 0;
    for (const piece of pieces) {
      out.set(column(piece), at);
      at += piece.time.length;
    }
    return out;
  };
  return { key: first.key, time: join((p) => p.time), columns: Object.fromEntries(names.map((name) => [name, join((p) => p.columns[name]!)])) };
}

/** Rows `[from, to)` of a series, as views on its arrays (no copy). */
export function sliceRows(series: Series, from: number, to: number): Series {
  return {
    key: series.key,
    time: series.time.subarray(from, to),
    columns: Object.fromEntries(Object.entries(series.columns).map(([name, column]) => [name, column.subarray(from, to)])),
  };
}

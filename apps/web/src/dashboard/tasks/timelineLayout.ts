import type { AttemptOutcome, AttemptView } from "@shoal/protocol";

/** One attempt as a bar: its row, its span in ms (a running one reaches `now`), and how it ended. */
export interface TimelineBar {
  row: number;
  from: number;
  to: number;
  outcome: AttemptOutcome;
  task: number;
  attempt: number;
}

/** A volunteer's lane: rows `first` to `first + rows - 1`, enough that its overlapping attempts (its threads) never cover each other. */
export interface TimelineLane {
  peer: string;
  first: number;
  rows: number;
}

/** Lanes (one per volunteer, in order of its first attempt), bars, and the time span they cover. */
export interface TimelineLayout {
  lanes: TimelineLane[];
  rows: number;
  bars: TimelineBar[];
  start: number;
  end: number;
}

/**
 * Lays attempts out in a lane per volunteer; inside a lane each attempt takes the first row free
 * when it starts, so attempts running at once on a volunteer's threads sit one above the other.
 * An attempt still running is drawn up to `now`.
 */
export function timelineLayout(attempts: readonly AttemptView[], now: number): TimelineLayout {
  const sorted = [...attempts].sort((a, b) => a.start - b.start || a.task - b.task || a.attempt - b.attempt);
  const byPeer = new Map<string, Array<{ a: AttemptView; to: number; row: number }>>();
  for (const a of sorted) {
    const to = Math.max(a.end ?? now, a.start);
    const placed = byPeer.get(a.peer) ?? [];
    const rowEnds: number[] = [];
    for (const p of placed) rowEnds[p.row] = Math.max(rowEnds[p.row] ?? -Infinity, p.to);
    let row = rowEnds.findIndex((end) => end <= a.start);
    if (row < 0) row = rowEnds.length;
    placed.push({ a, to, row });
    byPeer.set(a.peer, placed);
  }
  const lanes: TimelineLane[] = [];
  const bars: TimelineBar[] = [];
  let rows = 0;
  for (const [peer, placed] of byPeer) {
    const height = Math.max(...placed.map((p) => p.row)) + 1;
    lanes.push({ peer, first: rows, rows: height });
    for (const { a, to, row } of placed) bars.push({ row: rows + row, from: a.start, to, outcome: a.outcome, task: a.task, attempt: a.attempt });
    rows += height;
  }
  const start = bars.length ? Math.min(...bars.map((b) => b.from)) : now;
  const end = bars.length ? Math.max(...bars.map((b) => b.to)) : now;
  return { lanes, rows, bars, start, end: Math.max(end, start + 1) };
}

/** Tasks finished with a result per second, in `buckets` equal spans from `start` to `end`. */
export function throughputSeries(attempts: readonly AttemptView[], start: number, end: number, buckets: number): number[] {
  const counts = new Array<number>(buckets).fill(0);
  const span = Math.max(1, end - start);
  for (const a of attempts) {
    if (a.outcome !== "result" || a.end === null || a.end < start || a.end > end) continue;
    const i = Math.min(buckets - 1, Math.floor(((a.end - start) / span) * buckets));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const seconds = span / buckets / 1000;
  return counts.map((n) => n / seconds);
}

import { parseJobSpec } from "@shoal/protocol";
import type { MapTaskSpec } from "@shoal/protocol";
import { encodeShard } from "@shoal/timeseries";
import { ExecutorCache } from "./ExecutorCache.ts";

/** Short map calls run by {@link warmUpExecutor}: enough for V8 to optimise the call path. */
export const WARM_UP_CALLS = 3000;

/**
 * Runs a small job's map tasks through a throwaway {@link ExecutorCache}, so that V8 compiles the
 * path every task takes (the cache, the task executor, series slicing, the fengari call and its
 * conversions) before the first real task rather than during a volunteer's first few thousand
 * tasks, when the optimising compiler's threads take about as much CPU as the tasks themselves.
 * Nothing of it is kept. Returns the milliseconds it took.
 */
export async function warmUpExecutor(calls = WARM_UP_CALLS): Promise<number> {
  const t0 = performance.now();
  const rows = 16;
  const time = Float64Array.from({ length: rows }, (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000);
  const close = Float64Array.from({ length: rows }, (_, i) => 100 + Math.sin(i));
  const shard = { hash: "warm-up", bytes: encodeShard({ key: "warm-up", time, columns: { close } }) };
  const spec = parseJobSpec({
    script: "function map(series, p)\n  return { k = p.k, last = series.close[#series.close] }\nend\n",
    params: { k: [1] },
  });
  const cache = new ExecutorCache();
  try {
    for (let i = 0; i < calls; i++) {
      const task: MapTaskSpec = { kind: "map", slice: { key: "warm-up", haloStart: 0, start: 0, end: rows }, points: [{ index: i, p: { k: i } }] };
      await cache.run("warm-up", spec, task, shard);
    }
  } finally {
    cache.dispose();
  }
  return performance.now() - t0;
}

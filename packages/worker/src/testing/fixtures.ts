import type { JobSpec, MapTaskSpec, ShardHash } from "@shoal/protocol";
import { asShardHash, parseJobSpec } from "@shoal/protocol";
import type { Series } from "@shoal/timeseries";
import { encodeShard, shardHash } from "@shoal/timeseries";

/** A daily series of `rows` closes that wander deterministically. */
export function testSeries(key: string, rows: number, seed = 1): Series {
  const time = new Float64Array(rows);
  const close = new Float64Array(rows);
  let price = 100 + seed;
  for (let i = 0; i < rows; i++) {
    time[i] = Date.UTC(2020, 0, 1) + i * 86_400_000;
    price *= 1 + Math.sin(i * 0.37 + seed) * 0.01;
    close[i] = price;
  }
  return { key, time, columns: { close } };
}

/** A series as a shard and its address. */
export async function testShard(series: Series): Promise<{ hash: ShardHash; bytes: Uint8Array }> {
  const bytes = encodeShard(series);
  return { hash: asShardHash(await shardHash(bytes)), bytes };
}

/** A job whose map returns the mean close of the owned rows times `p.k`, and whose reduce sums. */
export function meanJob(extra: Partial<JobSpec> = {}): JobSpec {
  return parseJobSpec({
    script: `function map(series, p)
      local s, n = 0, 0
      for i = series.first, #series.close do s = s + series.close[i]; n = n + 1 end
      return { key = series.key, k = p.k, mean = s / n * p.k }
    end
    function reduce(values)
      local total = 0
      for _, v in ipairs(values) do total = total + (v.mean or v.total) end
      return { total = total }
    end`,
    params: { k: [1, 2, 3] },
    ...extra,
  });
}

/** A map task over rows [start, end) of `key` for the given points. */
export function mapTask(key: string, start: number, end: number, ks: number[] = [1]): MapTaskSpec {
  return { kind: "map", slice: { key, haloStart: start, start, end }, points: ks.map((k, index) => ({ index, p: { k } })) };
}

import { describe, expect, it } from "vitest";
import { mapTask, meanJob, testSeries, testShard } from "../testing/fixtures.ts";
import { ExecutorCache, SERIES_KEPT } from "./ExecutorCache.ts";
import { TaskError } from "./TaskError.ts";

describe("ExecutorCache", () => {
  it("runs a task naming only the hash of a shard it holds, on that shard's series", async () => {
    const cache = new ExecutorCache();
    const shard = await testShard(testSeries("AAA", 30, 4));
    expect(cache.holds(shard.hash)).toBe(false);
    const first = await cache.run("j", meanJob(), mapTask("AAA", 0, 30), shard);
    expect(cache.holds(shard.hash)).toBe(true);
    await expect(cache.run("j", undefined, mapTask("AAA", 0, 30), { hash: shard.hash })).resolves.toEqual(first);
  });

  it("refuses a task naming without bytes a shard it never had, or has dropped", async () => {
    const cache = new ExecutorCache();
    const shards = await Promise.all(Array.from({ length: SERIES_KEPT + 1 }, (_, i) => testShard(testSeries("AAA", 10, i + 1))));
    const bare = { hash: shards[0]!.hash };
    await expect(cache.run("j", meanJob(), mapTask("AAA", 0, 10), bare)).rejects.toThrow(/came without its bytes and is not held/);
    for (const shard of shards) await cache.run("j", meanJob(), mapTask("AAA", 0, 10), shard);
    expect(cache.holds(shards[0]!.hash)).toBe(false);
    expect(cache.holds(shards[SERIES_KEPT]!.hash)).toBe(true);
    const failure = await cache.run("j", undefined, mapTask("AAA", 0, 10), bare).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskError);
    expect((failure as TaskError).kind).toBe("internal");
  });
});

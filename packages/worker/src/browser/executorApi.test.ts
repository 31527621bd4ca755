import { describe, expect, it } from "vitest";
import { ExecutorCache } from "../executor/ExecutorCache.ts";
import { mapTask, meanJob, testSeries, testShard } from "../testing/fixtures.ts";
import { executorApi } from "./executorApi.ts";

describe("an executor Web Worker's interface", () => {
  it("refuses a job whose engine is not this worker's, so a job never runs under another worker's policy", async () => {
    const api = executorApi(new ExecutorCache(), Promise.resolve([]), ["compiled"]);
    const shard = await testShard(testSeries("AAA", 50));
    const wrong = await api.run("j", meanJob({ engine: "fengari" }), mapTask("AAA", 0, 50), shard);
    expect(wrong).toEqual({ ok: false, error: expect.objectContaining({ kind: "internal", message: "this executor Web Worker runs compiled, not fengari" }) as unknown });
    const right = await api.run("k", meanJob({ engine: "compiled" }), mapTask("AAA", 0, 50), shard);
    expect(right.ok).toBe(true);
  });

  it("runs nothing before the lockdown is done", async () => {
    let release!: (names: string[]) => void;
    const api = executorApi(new ExecutorCache(), new Promise<string[]>((resolve) => (release = resolve)), ["fengari"]);
    const shard = await testShard(testSeries("AAA", 50));
    let settled = false;
    const run = api.run("j", meanJob(), mapTask("AAA", 0, 50), shard).then((outcome) => ((settled = true), outcome));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    release(["fetch"]);
    expect((await run).ok).toBe(true);
    expect(await api.lockedDown()).toEqual(["fetch"]);
  });

  it("asks for a shard named by a hash it does not hold (forged or dropped) instead of running without it", async () => {
    const api = executorApi(new ExecutorCache(), Promise.resolve([]), ["fengari"]);
    const shard = await testShard(testSeries("AAA", 50));
    expect(await api.run("j", meanJob(), mapTask("AAA", 0, 50), { hash: shard.hash })).toEqual({ ok: false, needsShard: true });
    expect((await api.run("j", meanJob(), mapTask("AAA", 0, 50), shard)).ok).toBe(true);
    expect((await api.run("j", undefined, mapTask("AAA", 0, 50), { hash: shard.hash })).ok).toBe(true);
  });
});

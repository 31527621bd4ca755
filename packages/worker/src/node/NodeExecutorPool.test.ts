import type { ReduceTaskSpec } from "@shoal/protocol";
import { parseJobSpec } from "@shoal/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TaskError } from "../executor/TaskError.ts";
import { meanJob, mapTask, testSeries, testShard } from "../testing/fixtures.ts";
import { InlineExecutor } from "../volunteer/InlineExecutor.ts";
import type { TaskRequest } from "../volunteer/VolunteerExecutor.ts";
import { TaskCancel } from "../volunteer/VolunteerExecutor.ts";
import { NodeExecutorPool } from "./NodeExecutorPool.ts";

describe("NodeExecutorPool as a volunteer's executor", () => {
  let pool: NodeExecutorPool;
  afterEach(() => pool.close());

  it("runs tasks of several jobs over several shards, matching the in-process executor", async () => {
    pool = new NodeExecutorPool({ threads: 2, deadlineMs: 10_000 });
    const inline = new InlineExecutor();
    const shards = await Promise.all([testShard(testSeries("AAA", 300, 1)), testShard(testSeries("BBB", 200, 2))]);
    const jobs = [
      { jobId: "j1", spec: meanJob() },
      { jobId: "j2", spec: meanJob({ seed: 7 }) },
    ];
    const requests: TaskRequest[] = jobs.flatMap((job) =>
      shards.flatMap((shard, i) => [
        { ...job, shard, task: mapTask(i === 0 ? "AAA" : "BBB", 0, 100, [1, 2]) },
        { ...job, shard, task: mapTask(i === 0 ? "AAA" : "BBB", 100, 200, [3]) },
      ]),
    );
    const reduceTask: ReduceTaskSpec = { kind: "reduce", level: 0, group: 0, values: [{ mean: 1 }, { total: 2.5 }] };
    const reduce: TaskRequest = { ...jobs[0]!, task: reduceTask };
    const [pooled, local] = await Promise.all([
      Promise.all([...requests, reduce].map((r) => pool.run(r))),
      Promise.all([...requests, reduce].map((r) => inline.run(r))),
    ]);
    expect(pooled).toEqual(local);
    expect(pooled.at(-1)).toMatchObject({ output: { total: 3.5 } });
    expect(pooled[0]).toMatchObject({ outputs: [{ key: "AAA", k: 1 }, { key: "AAA", k: 2 }] });
    await inline.close();
  });

  it("starts and warms its threads up when prepared, before any task, then runs tasks as usual", async () => {
    const lines: string[] = [];
    pool = new NodeExecutorPool({ threads: 2, deadlineMs: 10_000, warmUp: true, log: (line) => lines.push(line) });
    pool.prepare();
    // prepare() starts the threads, which warm up before any task is asked of them.
    await vi.waitFor(() => expect(lines.filter((line) => /^executor thread warmed up in \d+ ms$/.test(line))).toHaveLength(2), { timeout: 20_000, interval: 50 });
    const inline = new InlineExecutor();
    const shard = await testShard(testSeries("AAA", 300, 1));
    const requests: TaskRequest[] = [0, 100, 200].map((start) => ({ jobId: "j", spec: meanJob(), shard, task: mapTask("AAA", start, start + 100, [1, 2]) }));
    const [pooled, local] = await Promise.all([Promise.all(requests.map((r) => pool.run(r))), Promise.all(requests.map((r) => inline.run(r)))]);
    expect(pooled).toEqual(local);
    expect(lines).toHaveLength(2);
    await inline.close();
  });

  it("holds a task posted while its thread warms up until the warm-up is over", async () => {
    const lines: string[] = [];
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 10_000, warmUp: true, log: (line) => lines.push(line) });
    const shard = await testShard(testSeries("AAA", 100, 1));
    const request: TaskRequest = { jobId: "j", spec: meanJob(), shard, task: mapTask("AAA", 0, 100, [1]) };
    const result = await pool.run(request);
    expect(lines).toEqual([expect.stringMatching(/^executor thread warmed up in \d+ ms$/)]);
    const inline = new InlineExecutor();
    expect(result).toEqual(await inline.run(request));
    await inline.close();
  });

  it("runs each job on its own engine, fengari and wasmoon jobs taking turns on the same thread", async () => {
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 20_000 });
    const shard = await testShard(testSeries("AAA", 50));
    const script = "function map(s, p) return { v = _VERSION, third = 1 // 3, big = 2^53 + 1 } end";
    const job = (engine: "fengari" | "wasmoon") => ({ jobId: engine, spec: parseJobSpec({ script, engine }), shard, task: mapTask("AAA", 0, 50) });
    const results = [];
    for (const engine of ["wasmoon", "fengari", "wasmoon", "fengari"] as const) results.push(await pool.run(job(engine)));
    expect(results.map((r) => ("outputs" in r ? r.outputs[0] : undefined))).toEqual([
      { v: "Lua 5.4", third: 0, big: 9007199254740992 },
      { v: "Lua 5.3", third: 0, big: 9007199254740992 },
      { v: "Lua 5.4", third: 0, big: 9007199254740992 },
      { v: "Lua 5.3", third: 0, big: 9007199254740992 },
    ]);
  });

  it("fails every task of a job whose script does not load with the Lua error, and keeps serving other jobs", async () => {
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 10_000 });
    const shard = await testShard(testSeries("AAA", 50));
    const broken = { jobId: "bad", spec: parseJobSpec({ script: "function map(s, p)\n  return (\nend" }), shard, task: mapTask("AAA", 0, 50) };
    for (let i = 0; i < 2; i++) await expect(pool.run(broken)).rejects.toMatchObject({ kind: "syntax", line: 3 });
    await expect(pool.run({ jobId: "ok", spec: meanJob(), shard, task: mapTask("AAA", 0, 50) })).resolves.toMatchObject({ outputs: [{ k: 1 }] });
  });

  it("stops a running task when it is aborted, and the replacement thread still knows nothing stale", async () => {
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 60_000 });
    const shard = await testShard(testSeries("AAA", 50));
    const spin = { jobId: "spin", spec: parseJobSpec({ script: "function map(s, p) while true do end end", budget: 1e12 }), shard, task: mapTask("AAA", 0, 50) };
    const abort = new TaskCancel();
    const started = Date.now();
    const running = pool.run(spin, abort);
    const queued = new TaskCancel();
    const waiting = pool.run({ ...spin, jobId: "spin2" }, queued);
    setTimeout(() => {
      queued.cancel();
      abort.cancel();
    }, 300);
    await expect(running).rejects.toBeInstanceOf(TaskError);
    await expect(waiting).rejects.toThrow(/cancelled/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(pool.run({ jobId: "ok", spec: meanJob(), shard, task: mapTask("AAA", 0, 50) })).resolves.toMatchObject({ outputs: [{ k: 1 }] });
  });

  it("runs a task posted behind one that overruns its deadline on the replacement thread", async () => {
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 500 });
    const shard = await testShard(testSeries("AAA", 50));
    const spin = { jobId: "spin", spec: parseJobSpec({ script: "function map(s, p) while true do end end", budget: 1e12 }), shard, task: mapTask("AAA", 0, 50) };
    const stuck = pool.run(spin);
    const behind = pool.run({ jobId: "ok", spec: meanJob(), shard, task: mapTask("AAA", 0, 50) });
    await expect(stuck).rejects.toMatchObject({ kind: "deadline" });
    await expect(behind).resolves.toMatchObject({ outputs: [{ k: 1 }] });
  });

  it("runs tasks posted behind a wasmoon job's first one while its engine is still loading, in order", async () => {
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 20_000 });
    const shard = await testShard(testSeries("AAA", 300, 1));
    const spec = parseJobSpec({ script: "function map(s, p) return { v = _VERSION, n = #s.close, k = p.k } end", engine: "wasmoon", params: { k: [1] } });
    const tasks = [mapTask("AAA", 0, 100), mapTask("AAA", 100, 200), mapTask("AAA", 200, 300)];
    const results = await Promise.all(tasks.map((task) => pool.run({ jobId: "w", spec, shard, task })));
    expect(results.map((r) => ("outputs" in r ? r.outputs[0] : undefined))).toEqual([
      { v: "Lua 5.4", n: 100, k: 1 },
      { v: "Lua 5.4", n: 100, k: 1 },
      { v: "Lua 5.4", n: 100, k: 1 },
    ]);
  });

  it.each(["fengari", "wasmoon"])("ends a task on %s at its job's own deadline when that is shorter than the pool's", async (engine) => {
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 60_000 });
    const shard = await testShard(testSeries("AAA", 50));
    const spec = parseJobSpec({ script: "function map(s, p) while true do end end", engine, budget: "off", deadlineMs: 500 });
    await expect(pool.run({ jobId: "spin", spec, shard, task: mapTask("AAA", 0, 50) })).rejects.toMatchObject({ kind: "deadline", message: "job.lua: deadline exceeded after 0.5 s" });
    await expect(pool.run({ jobId: "ok", spec: meanJob(), shard, task: mapTask("AAA", 0, 50) })).resolves.toMatchObject({ outputs: [{ k: 1 }] });
  });

  it("batches short tasks, yet a task that runs long never holds back outcomes of earlier ones", async () => {
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 20_000 });
    const shard = await testShard(testSeries("AAA", 50));
    const quick = (i: number) => ({ jobId: "quick", spec: meanJob(), shard, task: mapTask("AAA", 0, 50, [i]) });
    for (let i = 0; i < 40; i++) await pool.run(quick(i)); // the thread learns the job is short
    const slow = { jobId: "slow", spec: parseJobSpec({ script: "function map(s, p) local t = 0.0 for i = 1, 3e6 do t = t + i end return t end", budget: 1e12 }), shard, task: mapTask("AAA", 0, 50) };
    let slowDone = false;
    const quicks = Array.from({ length: 30 }, (_, i) => pool.run(quick(i)));
    const long = pool.run(slow).then(() => (slowDone = true));
    await Promise.all(quicks);
    // Sent in the same message as the slow task's outcome, they would settle in the same turn.
    expect(slowDone).toBe(false);
    await long;
  });

  it("puts tasks whose outcomes a stuck thread held back in the queue again, and fails only the stuck one", async () => {
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 800 });
    const shard = await testShard(testSeries("AAA", 50));
    // Short until p.k is 99: the thread holds outcomes back while it believes the job short.
    const spec = parseJobSpec({ script: "function map(s, p) if p.k == 99 then while true do end end return p.k end", budget: 1e12 });
    const run = (i: number) => pool.run({ jobId: "j", spec, shard, task: mapTask("AAA", 0, 50, [i]) });
    for (let i = 0; i < 40; i++) await run(i);
    const before = Array.from({ length: 10 }, (_, i) => run(100 + i));
    const stuck = run(99);
    const after = Array.from({ length: 5 }, (_, i) => run(200 + i));
    await expect(stuck).rejects.toMatchObject({ kind: "deadline" });
    const outputs = await Promise.all([...before, ...after]);
    expect(outputs.map((r) => ("outputs" in r ? r.outputs[0] : undefined))).toEqual([...Array.from({ length: 10 }, (_, i) => 100 + i), ...Array.from({ length: 5 }, (_, i) => 200 + i)]);
  });

  it("holds a task posted behind a longer-deadline one to its own shorter deadline", { timeout: 30_000 }, async () => {
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 60_000 });
    const shard = await testShard(testSeries("AAA", 50));
    const slow = { jobId: "slow", spec: parseJobSpec({ script: "function map(s, p) local t = 0.0 for i = 1, 3e6 do t = t + i end return t end", budget: 1e12 }), shard, task: mapTask("AAA", 0, 50) };
    const spin = { jobId: "spin", spec: parseJobSpec({ script: "function map(s, p) while true do end end", engine: "wasmoon", budget: "off", deadlineMs: 500 }), shard, task: mapTask("AAA", 0, 50) };
    const first = pool.run(slow);
    // Without a watch that looks again by the shorter limit, this would run until the pool's 60 s.
    await expect(pool.run(spin)).rejects.toMatchObject({ kind: "deadline", message: "job.lua: deadline exceeded after 0.5 s" });
    await expect(first).resolves.toMatchObject({ outputs: [expect.any(Number)] });
  });

  it("forgets a job: the threads are sent its spec again next time", async () => {
    pool = new NodeExecutorPool({ threads: 1, deadlineMs: 10_000 });
    const shard = await testShard(testSeries("AAA", 50));
    const request = { jobId: "j", spec: meanJob(), shard, task: mapTask("AAA", 0, 50) };
    await pool.run(request);
    pool.forgetJob("j");
    await expect(pool.run(request)).resolves.toMatchObject({ outputs: [{ k: 1 }] });
  });
});

import { parseJobSpec } from "@shoal/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskRequest, VolunteerExecutor } from "../volunteer/VolunteerExecutor.ts";
import { TaskCancel } from "../volunteer/VolunteerExecutor.ts";
import { mapTask, meanJob, testSeries, testShard } from "./fixtures.ts";

/**
 * The behaviour every `VolunteerExecutor` must show (InlineExecutor, NodeExecutorPool,
 * WebWorkerPool); call it from the implementation's test file with a factory of fresh executors.
 */
export function runExecutorTests(name: string, create: () => VolunteerExecutor): void {
  describe(`VolunteerExecutor: ${name}`, () => {
    let executor: VolunteerExecutor | undefined;
    const open = () => (executor = create());
    afterEach(async () => {
      await executor?.close();
      executor = undefined;
    });

    it("runs map tasks (one output per point) and reduce tasks (one output)", async () => {
      const run = open();
      const shard = await testShard(testSeries("AAA", 200));
      const map = await run.run({ jobId: "j", spec: meanJob(), shard, task: mapTask("AAA", 0, 100, [1, 2]) });
      expect(map).toMatchObject({ outputs: [{ key: "AAA", k: 1 }, { key: "AAA", k: 2 }] });
      if (!("outputs" in map)) throw new Error("a map task gave no outputs");
      const [one, two] = map.outputs as Array<{ mean: number }>;
      expect(two!.mean).toBeCloseTo(one!.mean * 2, 9);
      const reduce = await run.run({ jobId: "j", spec: meanJob(), task: { kind: "reduce", level: 0, group: 0, values: [{ mean: 1 }, { total: 2.5 }] } });
      expect(reduce).toMatchObject({ output: { total: 3.5 } });
    });

    it("rejects a Lua error with a TaskError that keeps its kind and line", async () => {
      const run = open();
      const shard = await testShard(testSeries("AAA", 50));
      const spec = parseJobSpec({ script: "function map(series, p)\n  error('boom')\nend" });
      const failure = await run.run({ jobId: "bad", spec, shard, task: mapTask("AAA", 0, 50) }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TaskError);
      expect(failure).toMatchObject({ kind: "runtime", line: 2, message: expect.stringContaining("boom") });
    });

    it("rejects a script that does not compile with a syntax TaskError", async () => {
      const run = open();
      const shard = await testShard(testSeries("AAA", 50));
      const spec = parseJobSpec({ script: "function map(series, p) return end end" });
      await expect(run.run({ jobId: "syntax", spec, shard, task: mapTask("AAA", 0, 50) })).rejects.toMatchObject({ kind: "syntax" });
    });

    it("rejects a task cancelled before it starts, and keeps running others", async () => {
      const run = open();
      const shard = await testShard(testSeries("AAA", 50));
      const request: TaskRequest = { jobId: "j", spec: meanJob(), shard, task: mapTask("AAA", 0, 50) };
      const cancel = new TaskCancel();
      cancel.cancel();
      await expect(run.run(request, cancel)).rejects.toBeInstanceOf(TaskError);
      await expect(run.run(request)).resolves.toMatchObject({ outputs: [{ key: "AAA" }] });
    });

    it("runs a job's tasks again after forgetting it", async () => {
      const run = open();
      const shard = await testShard(testSeries("AAA", 50));
      const request: TaskRequest = { jobId: "j", spec: meanJob(), shard, task: mapTask("AAA", 0, 50) };
      const first = await run.run(request);
      run.forgetJob("j");
      expect(await run.run(request)).toEqual(first);
    });
  });
}

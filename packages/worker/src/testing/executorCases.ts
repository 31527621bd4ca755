import { parseJobSpec } from "@shoal/protocol";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskRequest, VolunteerExecutor } from "../volunteer/VolunteerExecutor.ts";
import { TaskCancel } from "../volunteer/VolunteerExecutor.ts";
import { mapTask, meanJob, testSeries, testShard } from "./fixtures.ts";

/** More shards than an executor keeps decoded (ExecutorCache's SERIES_KEPT is 16), so the oldest are dropped and needed again. */
const MANY_SHARDS = 18;

/** One behaviour every `VolunteerExecutor` must show: `run` throws when the executor does otherwise. */
export interface ExecutorCase {
  name: string;
  run(executor: VolunteerExecutor): Promise<void>;
}

/**
 * The executor contract as plain cases, free of any test runner, so the same cases run under
 * vitest in Node (`runExecutorTests`: InlineExecutor, NodeExecutorPool) and in real Chromium
 * (e2e/executorPool.spec.ts: WebWorkerPool).
 */
export const executorCases: readonly ExecutorCase[] = [
  {
    name: "runs map tasks (one output per point) and reduce tasks (one output)",
    async run(executor) {
      const shard = await testShard(testSeries("AAA", 200));
      const map = await executor.run({ jobId: "j", spec: meanJob(), shard, task: mapTask("AAA", 0, 100, [1, 2]) });
      if (!("outputs" in map)) throw new Error("a map task gave no outputs");
      const [one, two] = map.outputs as Array<{ key: string; k: number; mean: number }>;
      check(one?.key === "AAA" && one.k === 1 && two?.key === "AAA" && two.k === 2, `map outputs ${JSON.stringify(map.outputs)}`);
      check(Math.abs(two.mean - one.mean * 2) < 1e-9 * Math.abs(one.mean), `k = 2 doubles the mean: ${one.mean}, ${two.mean}`);
      const reduce = await executor.run({ jobId: "j", spec: meanJob(), task: { kind: "reduce", level: 0, group: 0, values: [{ mean: 1 }, { total: 2.5 }] } });
      check("output" in reduce && JSON.stringify(reduce.output) === '{"total":3.5}', `reduce output ${JSON.stringify(reduce)}`);
    },
  },
  {
    name: "rejects a Lua error with a TaskError that keeps its kind and line",
    async run(executor) {
      const shard = await testShard(testSeries("AAA", 50));
      const spec = parseJobSpec({ script: "function map(series, p)\n  error('boom')\nend" });
      const failure = await failureOf(executor.run({ jobId: "bad", spec, shard, task: mapTask("AAA", 0, 50) }));
      check(failure.kind === "runtime" && failure.line === 2 && failure.message.includes("boom"), `failure ${describe(failure)}`);
    },
  },
  {
    name: "rejects a script that does not compile with a syntax TaskError",
    async run(executor) {
      const shard = await testShard(testSeries("AAA", 50));
      const spec = parseJobSpec({ script: "function map(series, p) return end end" });
      const failure = await failureOf(executor.run({ jobId: "syntax", spec, shard, task: mapTask("AAA", 0, 50) }));
      check(failure.kind === "syntax", `failure ${describe(failure)}`);
    },
  },
  {
    name: "rejects a task cancelled before it starts, and keeps running others",
    async run(executor) {
      const shard = await testShard(testSeries("AAA", 50));
      const request: TaskRequest = { jobId: "j", spec: meanJob(), shard, task: mapTask("AAA", 0, 50) };
      const cancel = new TaskCancel();
      cancel.cancel();
      await failureOf(executor.run(request, cancel));
      const after = await executor.run(request);
      check("outputs" in after && after.outputs.length === 1, `after a cancel: ${JSON.stringify(after)}`);
    },
  },
  {
    name: "gives each task its own shard's series, over more shards than it keeps and back again",
    async run(executor) {
      const shards = await Promise.all(Array.from({ length: MANY_SHARDS }, (_, i) => testShard(testSeries("AAA", 40, i + 1))));
      const meanOf = async (i: number) => {
        const result = await executor.run({ jobId: "j", spec: meanJob(), shard: shards[i], task: mapTask("AAA", 0, 40) });
        return "outputs" in result ? (result.outputs[0] as { mean: number }).mean : NaN;
      };
      const first: number[] = [];
      for (let i = 0; i < MANY_SHARDS; i++) first.push(await meanOf(i));
      check(new Set(first).size === MANY_SHARDS, `one mean per shard: ${first.join(", ")}`);
      for (const i of [0, MANY_SHARDS - 1, 1, 0, 2]) {
        const again = await meanOf(i);
        check(again === first[i], `shard ${i} again: ${again}, first ${first[i]}`);
      }
    },
  },
  {
    name: "runs a task on a shard that an earlier task of a job that failed to load was given",
    async run(executor) {
      const shard = await testShard(testSeries("AAA", 50, 3));
      const broken = parseJobSpec({ script: "function map(s, p)\n  return (\nend" });
      await failureOf(executor.run({ jobId: "broken", spec: broken, shard, task: mapTask("AAA", 0, 50) }));
      const result = await executor.run({ jobId: "ok", spec: meanJob(), shard, task: mapTask("AAA", 0, 50) });
      check("outputs" in result && (result.outputs[0] as { key: string }).key === "AAA", `after the broken job: ${JSON.stringify(result)}`);
    },
  },
  {
    name: "runs a job's tasks again after forgetting it",
    async run(executor) {
      const shard = await testShard(testSeries("AAA", 50));
      const request: TaskRequest = { jobId: "j", spec: meanJob(), shard, task: mapTask("AAA", 0, 50) };
      const first = await executor.run(request);
      executor.forgetJob("j");
      const again = await executor.run(request);
      check(JSON.stringify(again) === JSON.stringify(first), `again ${JSON.stringify(again)} after ${JSON.stringify(first)}`);
    },
  },
  {
    name: "runs jobs of every engine interleaved on one shard, each to the same outputs",
    async run(executor) {
      // In a browser the compiled engine has a Web Worker of its own: tasks switch between workers here.
      const shard = await testShard(testSeries("AAA", 120, 5));
      const seen = new Map<string, string>();
      for (const engine of ["fengari", "compiled", "wasmoon", "compiled", "fengari", "wasmoon"] as const) {
        const result = await executor.run({ jobId: `each-${engine}`, spec: meanJob({ engine }), shard, task: mapTask("AAA", 10, 120, [1, 3]) });
        check("outputs" in result && result.outputs.length === 2, `${engine}: ${JSON.stringify(result)}`);
        // Table key order is each engine's own; the values must be the same.
        seen.set(engine, JSON.stringify(result.outputs.map((o) => Object.entries(o as object).sort(([a], [b]) => (a < b ? -1 : 1)))));
      }
      check(new Set(seen.values()).size === 1, `the engines disagree: ${JSON.stringify(Object.fromEntries(seen))}`);
    },
  },
];

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`unexpected: ${what}`);
}

/** The TaskError a task rejects with; throws if it resolves or rejects with anything else. */
async function failureOf(task: Promise<unknown>): Promise<TaskError> {
  const outcome = await task.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`unexpected: the task succeeded with ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof TaskError)) throw new Error(`unexpected: rejected with ${String(outcome.error)}, not a TaskError`);
  return outcome.error;
}

function describe(error: TaskError): string {
  return JSON.stringify({ kind: error.kind, line: error.line, message: error.message });
}

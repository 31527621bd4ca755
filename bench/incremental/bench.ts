// bench/incremental: the SMA sweep (examples/quant-sma-sweep.lua) over the 20-year S&P 500 sample,
// then one more bar appended and the sweep rerun on the new version. Prints the tasks the rerun
// executed (not reused) as a fraction of all, against the goal of < 5 %, and the wall times of
// the first run and the rerun. A real coordinator (in process, SQLite) and one Node volunteer
// over WebSocket with 2 executor threads, on loopback. Then what the memo costs the coordinator's
// event loop for jobs of 1,000 to 100,000 tasks (SQLite): keying a planned job (row hashes), its
// lookups, recording a finished job's outputs (inside the transaction that stores its outcome), and
// the trim to the memo's bound that follows it: under the bound, and evicting half the table.
import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { DatasetView, JobView, ShardHash } from "@shoal/protocol";
import { asJobId, parseJobSpec } from "@shoal/protocol";
import { planJob } from "@shoal/scheduler";
import { TaskMemo } from "../../apps/coordinator/src/authors/TaskMemo.ts";
import { DEFAULT_AUTHOR_LIMITS } from "../../apps/coordinator/src/limits/AuthorLimits.ts";
import { SqliteStore } from "../../apps/coordinator/src/store/SqliteStore.ts";
import { ProtocolClient } from "../../apps/coordinator/src/testing/ProtocolClient.ts";
import { json, startTestCoordinator } from "../../apps/coordinator/src/testing/startTestCoordinator.ts";
import { TestWorker } from "../../apps/coordinator/src/testing/TestWorker.ts";

const ROOT = new URL("../../", import.meta.url);
const CSV = readFileSync(new URL("public/datasets/sp500.csv", ROOT));
const SCRIPT = readFileSync(new URL("examples/quant-sma-sweep.lua", ROOT), "utf8");
const BAR = "date,open,high,low,close,adjclose,volume\n2020-04-20,2845.620117,2868.979980,2820.429932,2823.159912,2823.159912,5220160000\n";
const GOAL = 0.05;
const PARAMS = { fast: [5, 10, 20, 50], slow: [50, 100, 150, 200] };
const CASES = [
  { name: "rows=500, batch 4", split: { kind: "rows", rows: 500 }, batchSize: 4 },
  { name: "rows=100, batch 1", split: { kind: "rows", rows: 100 }, batchSize: 1 },
  { name: "window=52w, batch 1", split: { kind: "window", ms: 52 * 7 * 86_400_000 }, batchSize: 1 },
];

const c = await startTestCoordinator();
const socket = await ProtocolClient.connect(c.wsUrl);
const worker = new TestWorker({ send: (text) => socket.sendRaw(text), onMessage: (listener) => socket.socket.on("message", (d) => listener(String(d))) }, { threads: 2 });
await worker.start();

async function run(dataset: string, spec: object): Promise<{ view: JobView; ms: number; result: string }> {
  const started = performance.now();
  const created = await c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec }), headers: { "Content-Type": "application/json" } });
  if (created.status !== 201) throw new Error(`submit: ${created.status} ${await created.text()}`);
  const { id } = await json<JobView>(created);
  for (;;) {
    const view = await json<JobView>(c.api(`/api/jobs/${id}`));
    if (view.status === "done") return { view, ms: performance.now() - started, result: await (await c.api(`/api/jobs/${id}/result`)).text() };
    if (view.status !== "running" && view.status !== "queued") throw new Error(`job ${id} ${view.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const rows: string[][] = [];
try {
  for (const [i, { name, split, batchSize }] of CASES.entries()) {
    const spec = { script: SCRIPT, params: PARAMS, split, halo: 200, batchSize };
    const v1 = await json<DatasetView>(c.api(`/api/datasets?name=sp500-${i}`, { method: "POST", body: CSV }));
    const first = await run(v1.id, spec);
    const v2 = await json<DatasetView>(c.api(`/api/datasets/${v1.id}/append`, { method: "POST", body: BAR }));
    const rerun = await run(v2.id, spec);
    const { total, reused = 0 } = rerun.view.tasks;
    const ran = total - reused;
    const fraction = ran / total;
    rows.push([name, String(total), String(ran), `${(fraction * 100).toFixed(2)} %`, fraction < GOAL ? "yes" : "no", `${(first.ms / 1000).toFixed(2)} s`, `${(rerun.ms / 1000).toFixed(2)} s`]);
  }
} finally {
  socket.close();
  await c.close();
}

const header = ["sweep (16 points, halo 200)", "tasks", "ran after +1 bar", "fraction", `< ${GOAL * 100} %`, "first run", "rerun"];
console.log(`| ${header.join(" | ")} |\n| ${header.map(() => "---").join(" | ")} |`);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
console.log(`\nloadavg ${loadavg().map((x) => x.toFixed(2)).join(" ")}; one volunteer, 2 threads, fengari\n`);

/** Milliseconds the memo spends on a job of about `points` × 1000 map tasks over a 20,000-row series. */
function memoCost(points: number): string[] {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), "shoal-bench-memo-")), "shoal.db"));
  const rows = 20_000;
  const time = Float64Array.from({ length: rows }, (_, i) => i * 86_400_000);
  const series = { key: "x", time, columns: { close: Float64Array.from({ length: rows }, (_, i) => 100 + Math.sin(i)) } };
  const spec = parseJobSpec({ script: SCRIPT, params: { p: Array.from({ length: points }, (_, i) => i) }, split: { kind: "rows", rows: 20 }, halo: 200, batchSize: 1 });
  const graph = planJob(asJobId("j"), spec, [{ key: "x", time, shard: "a".repeat(64) as ShardHash }], true);
  const memo = new TaskMemo(store, DEFAULT_AUTHOR_LIMITS.maxTaskMemos);
  const timed = (fn: () => void) => {
    const start = performance.now();
    fn();
    return `${(performance.now() - start).toFixed(0)} ms`;
  };
  const keying = timed(() => memo.prepare(graph, spec, undefined, () => series));
  const tasks = graph.tasks.map((node) => ({ ...node, status: "done" as const, attempts: [], failures: 0, results: [], errors: [], output: node.work.kind === "map" ? node.work.points.map((p) => ({ p: p.index, sharpe: 0.123456789 })) : [{ runs: 1 }] }));
  const recording = timed(() => store.transaction(() => memo.record(spec, 1, tasks)));
  const lookups = timed(() => memo.prepare(graph, spec, { quorum: 1 }, () => series));
  const underBound = timed(() => store.transaction(() => store.trimMemos(DEFAULT_AUTHOR_LIMITS.maxTaskMemos)));
  const evicting = timed(() => store.transaction(() => store.trimMemos(Math.floor(graph.tasks.length / 2))));
  store.close();
  return [String(graph.tasks.length), keying, recording, lookups, underBound, evicting];
}

const costHeader = ["tasks (maps + reduces)", "keying at submit", "recording at the end", "keying + lookups (all hit)", "trim under the bound", "trim evicting half"];
console.log(`| ${costHeader.join(" | ")} |\n| ${costHeader.map(() => "---").join(" | ")} |`);
for (const points of [1, 10, 100]) console.log(`| ${memoCost(points).join(" | ")} |`);
console.log(`\nloadavg ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);

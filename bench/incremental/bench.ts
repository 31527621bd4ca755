// bench/incremental: the SMA sweep (examples/quant-sma-sweep.lua) over the 20-year S&P 500 sample,
// then one more bar appended and the sweep rerun on the new version. Prints the tasks the rerun
// executed (not reused) as a fraction of all, against the goal of < 5 %, and the wall times of
// the first run and the rerun. A real coordinator (in process, SQLite) and one Node volunteer
// over WebSocket with 2 executor threads, on loopback.
import { readFileSync } from "node:fs";
import type { DatasetView, JobView } from "@shoal/protocol";
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
console.log(`\nloadavg ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")}; one volunteer, 2 threads, fengari`);

// Cross-node feeding (`npm run bench -- feed`): the dispatch rate of one job of trivial tasks on
// two coordinators sharing one PostgreSQL database, with its two volunteers on the job's owner
// (every task through the owner's scheduler only) and then on the other node (every task offered
// in `task_offers`, claimed, its result forwarded through `remote_results`). Medians of a few
// jobs, creation to result in hand; figures, not assertions.
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ShoalClient } from "@shoal/client";
import { startPostgres } from "../../apps/coordinator/src/testing/startPostgres.ts";
import { killAll, ShoalProcess, sleep, startCoordinator, startWorker } from "../dispatch/grid.ts";
import { TRIVIAL_CSV as CSV, trivialJobRate as throughput } from "../dispatch/trivialJobs.ts";

const TASKS = Number(process.env.BENCH_TASKS ?? 300);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Tasks/s of jobs submitted to the owner, with two one-thread volunteers on the owner (`local`) or on the other coordinator. */
async function rates(url: string, where: "local" | "remote"): Promise<number[]> {
  const owner = await startCoordinator(["--no-webrtc", "--store", url]);
  try {
    const other = new ShoalProcess(["coordinator", "--port", "0", "--no-webrtc", "--data-dir", mkdtempSync(join(tmpdir(), "shoal-bench-feed-")), "--store", url]);
    const otherUrl = (await other.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
    const client = new ShoalClient({ url: owner.url, token: owner.token });
    const { dataset } = await client.uploadDataset(new TextEncoder().encode(CSV), { name: "trivial" });
    const volunteersAt = where === "local" ? owner.url : otherUrl;
    await Promise.all([startWorker(volunteersAt, "ws"), startWorker(volunteersAt, "ws")]);
    await sleep(500);
    await throughput(client, dataset.id, 50);
    const rates: number[] = [];
    for (let r = 0; r < REPEATS; r++) rates.push(await throughput(client, dataset.id, TASKS));
    return rates;
  } finally {
    await killAll();
  }
}

const cluster = await startPostgres();
const rows: Array<[string, number[]]> = [];
try {
  rows.push(["volunteers on the owner", await rates(await cluster.createDatabase(), "local")]);
  rows.push(["volunteers on the other coordinator (offers, claims, forwarded results)", await rates(await cluster.createDatabase(), "remote")]);
} finally {
  cluster.stop();
}
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${process.env.BENCH_CORES ?? "this machine's"} cores\n`);
console.log(`| volunteers | tasks/s (median of ${REPEATS} jobs of ${TASKS}, batch 1, 2 one-thread volunteers over WebSocket) | runs |`);
console.log("|---|---:|---|");
for (const [name, r] of rows) console.log(`| ${name} | ${median(r).toFixed(0)} | ${r.map((x) => x.toFixed(0)).join(", ")} |`);

// bench/cluster: coordinators on PostgreSQL (issue #18). A throwaway PostgreSQL cluster on loopback
// (apps/coordinator/src/testing/startPostgres.ts), then:
// - dispatch with 1, 2 and 3 `shoal coordinator --store postgres://…` on one database: one job of
//   trivial tasks submitted to each coordinator at once (each owns the job it was given), volunteers
//   spread round-robin over the coordinators (at least 2, one per coordinator), tasks/s from the
//   first submission to the last result (idle volunteers may also claim other coordinators' offers), and CPU per task by process — each coordinator, the
//   database server (postmaster and its backends), the volunteers — so the database's cost in the
//   path shows even on two cores, where the total CPU bounds the rate;
// - memory per peer: a fresh PostgreSQL coordinator's RSS with 1,000, 5,000 and 10,000 fake
//   WebSocket peers (hello + heartbeats, bench/dispatch/fakePeers.ts).
// BENCH_CLUSTER_NODES (default 1,2,3), BENCH_TASKS (default 2,000 per run, split over the jobs),
// BENCH_REPEATS (default 3) and BENCH_PEERS (default 1000,5000,10000) steer it.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { ShoalClient } from "@shoal/client";
import { startPostgres } from "../../apps/coordinator/src/testing/startPostgres.ts";
import type { TestPostgres } from "../../apps/coordinator/src/testing/startPostgres.ts";
import { connectFakePeers } from "../dispatch/fakePeers.ts";
import { killAll, ShoalProcess, sleep, startCoordinator, startWorker } from "../dispatch/grid.ts";
import type { CoordinatorProcess } from "../dispatch/grid.ts";
import { finishJob, TRIVIAL_CSV as CSV, TRIVIAL_SCRIPT as SCRIPT } from "../dispatch/trivialJobs.ts";
import { clusterCpuMs, median, splitTasks } from "./figures.ts";

const NODES = (process.env.BENCH_CLUSTER_NODES ?? "1,2,3").split(",").map(Number);
const TASKS = Number(process.env.BENCH_TASKS ?? 2000);
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
const PEER_COUNTS = (process.env.BENCH_PEERS ?? "1000,5000,10000").split(",").map(Number);
const WARMUP = 200;

/** CPU ms so far of the database server: its postmaster (found by its port) and every process it started. */
function databaseCpuMs(pg: TestPostgres): number {
  const procs: Array<{ pid: number; ppid: number; cmdline: string; cpuMs: number }> = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ");
      procs.push({ pid: Number(name), ppid: Number(fields[1]), cmdline, cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 });
    } catch {
      // the process ended meanwhile
    }
  }
  return clusterCpuMs(procs, pg.port);
}

/** Another coordinator on `store` (which already has an author token, so it prints none). */
async function joinCoordinator(store: string, token: string): Promise<CoordinatorProcess> {
  const process = new ShoalProcess(["coordinator", "--port", "0", "--data-dir", mkdtempSync(join(tmpdir(), "shoal-bench-cluster-")), "--store", store]);
  const url = (await process.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
  return { process, url, token };
}

/** One job per coordinator, all at once; wall ms from the first submission to the last result in hand. */
async function round(clients: ShoalClient[], dataset: string, tasks: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    splitTasks(tasks, clients.length).map(async (n, k) => {
      const client = clients[k]!;
      const job = await client.createJob({ dataset, spec: { script: SCRIPT, params: { i: Array.from({ length: n }, (_, i) => i) }, batchSize: 1 } });
      await finishJob(client, job.id);
      const result = await client.getResult(job.id);
      if (!Array.isArray(result) || result.length !== n) throw new Error(`job ${job.id}: unexpected result shape`);
    }),
  );
  return performance.now() - t0;
}

interface NodesRow {
  nodes: number;
  volunteers: number;
  rates: number[];
  /** µs of CPU per task over the timed rounds. */
  coordinators: number[];
  database: number;
  volunteersCpu: number;
}

async function nodesRow(pg: TestPostgres, nodes: number): Promise<NodesRow> {
  const store = await pg.createDatabase();
  const coordinators: CoordinatorProcess[] = [];
  try {
    coordinators.push(await startCoordinator(["--store", store]));
    // Only the coordinator that creates the database's first author token prints it; the others share it.
    const token = coordinators[0]!.token;
    for (let k = 1; k < nodes; k++) coordinators.push(await joinCoordinator(store, token));
    const clients = coordinators.map((c) => new ShoalClient({ url: c.url, token }));
    const { dataset } = await clients[0]!.uploadDataset(new TextEncoder().encode(CSV), { name: "trivial" });
    const volunteerCount = Math.max(2, nodes);
    const volunteers: ShoalProcess[] = [];
    for (let k = 0; k < volunteerCount; k++) volunteers.push((await startWorker(coordinators[k % nodes]!.url, "ws")).process);
    const peersShown = async () => (await Promise.all(clients.map((c) => c.listPeers()))).reduce((sum, list) => sum + list.length, 0);
    for (let tries = 0; (await peersShown()) < volunteerCount; tries++) {
      if (tries > 400) throw new Error("volunteers did not show up in /api/peers");
      await sleep(50);
    }
    await round(clients, dataset.id, WARMUP * nodes);
    const cpu = () => ({
      coordinators: coordinators.map((c) => {
        const { main, other } = c.process.cpuMs();
        return main + other;
      }),
      database: databaseCpuMs(pg),
      volunteers: volunteers.reduce((sum, v) => {
        const { main, other } = v.cpuMs();
        return sum + main + other;
      }, 0),
    });
    const before = cpu();
    const rates: number[] = [];
    for (let r = 0; r < REPEATS; r++) rates.push(TASKS / ((await round(clients, dataset.id, TASKS)) / 1000));
    const after = cpu();
    const us = (ms: number) => (ms * 1000) / (TASKS * REPEATS);
    return {
      nodes,
      volunteers: volunteerCount,
      rates,
      coordinators: after.coordinators.map((ms, k) => us(ms - before.coordinators[k]!)),
      database: us(after.database - before.database),
      volunteersCpu: us(after.volunteers - before.volunteers),
    };
  } finally {
    await killAll();
  }
}

/** A fresh PostgreSQL coordinator's RSS (MiB) idle, then with each count of fake peers connected (cumulative). */
async function peersRow(pg: TestPostgres): Promise<{ idle: number; steps: Array<{ count: number; rss: number; seconds: number }> }> {
  const coordinator = await startCoordinator(["--store", await pg.createDatabase()]);
  const connected: Array<{ close(): Promise<void> }> = [];
  try {
    await sleep(1000);
    const idle = coordinator.process.rssMiB();
    const steps = [];
    let have = 0;
    for (const count of [...PEER_COUNTS].sort((a, b) => a - b)) {
      const t0 = performance.now();
      connected.push(await connectFakePeers(coordinator.url, count - have));
      have = count;
      await sleep(3000);
      const metrics = await (await fetch(`${coordinator.url}/metrics`)).text();
      const shown = Number(metrics.match(/shoal_peers\{transport="ws"\} (\d+)/)?.[1]);
      if (shown !== count) throw new Error(`/metrics shows ${shown} ws peers, expected ${count}`);
      steps.push({ count, rss: coordinator.process.rssMiB(), seconds: (performance.now() - t0) / 1000 });
    }
    return { idle, steps };
  } finally {
    for (const peers of connected) await peers.close();
    await coordinator.process.kill();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const pg = await startPostgres();
  try {
    const rows: NodesRow[] = [];
    for (const nodes of NODES) rows.push(await nodesRow(pg, nodes));
    console.log(`Trivial tasks (map returns 1), batch 1, on coordinators sharing one PostgreSQL database (a throwaway cluster on loopback, fsync off), ${TASKS} tasks a round as one job per coordinator submitted at once; median of ${REPEATS} rounds after a ${WARMUP}-task-per-coordinator warm-up.`);
    console.log("Volunteers (`shoal worker --threads 1`, WebSocket) round-robin over the coordinators: each job is submitted to its own coordinator, whose volunteers run it, and whose idle volunteers may claim other coordinators' offers (cross-node feeding, docs/deploy.md).");
    console.log("CPU per task (µs, all threads, over the timed rounds): each coordinator; the database server (postmaster and its backends); the volunteers together.\n");
    console.log("| coordinators | volunteers | tasks/s (median) | rounds | CPU per task: coordinators | database | volunteers | total | cores busy |");
    console.log("| ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |");
    const cores = availableParallelism();
    let cpuBound = false;
    for (const row of rows) {
      const total = row.coordinators.reduce((a, b) => a + b, 0) + row.database + row.volunteersCpu;
      const busy = (median(row.rates) * total) / 1e6;
      cpuBound ||= busy > 0.75 * cores;
      console.log(`| ${row.nodes} | ${row.volunteers} | ${median(row.rates).toFixed(0)} | ${row.rates.map((r) => r.toFixed(0)).join(", ")} | ${row.coordinators.map((us) => us.toFixed(0)).join(" + ")} | ${row.database.toFixed(0)} | ${row.volunteersCpu.toFixed(0)} | ${total.toFixed(0)} | ${busy.toFixed(2)} |`);
    }
    console.log(
      cpuBound
        ? `\ncores busy = tasks/s × CPU per task. A row near this machine's ${cores} cores is bound by CPU: more coordinators there show what each part costs per task, not a scale-out.`
        : `\ncores busy = tasks/s × CPU per task, well under this machine's ${cores} cores: a coordinator's rate is bound by waiting for its database round trips (the store's calls are synchronous), not by CPU, so each coordinator added brings its own.`,
    );

    const peers = await peersRow(pg);
    console.log(`\nPeers per coordinator: a fresh coordinator on PostgreSQL, fake WebSocket peers (hello, then heartbeats) connected in steps, RSS (/proc VmRSS) 3 s after each step; idle ${peers.idle.toFixed(1)} MiB.\n`);
    console.log("| peers | RSS MiB | KiB per peer over idle | seconds to connect the step |");
    console.log("| ---: | ---: | ---: | ---: |");
    for (const s of peers.steps) console.log(`| ${s.count} | ${s.rss.toFixed(1)} | ${(((s.rss - peers.idle) * 1024) / s.count).toFixed(1)} | ${s.seconds.toFixed(1)} |`);
    console.log(`\nwhole bench: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await killAll();
    pg.stop();
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void killAll().then(() => process.exit(130)));
}
try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(error);
}
process.exit();

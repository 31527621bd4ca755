// bench/store: what one store call costs the coordinator's thread, SQLite against PostgreSQL
// through the synchronous bridge (a worker thread running pg, the caller blocked in Atomics.wait),
// and the bridge's own overhead against awaiting pg directly. A throwaway PostgreSQL cluster on
// loopback (fsync off, as the tests run it); SQLite in a temporary directory (WAL, synchronous=NORMAL).
// Medians and p99 of BENCH_CALLS (default 2000) calls each, after 200 warm-up calls. Then the
// dispatch rate of a whole grid (coordinator + 2 volunteers over WebSocket) on each store: median
// tasks/s of BENCH_REPEATS (default 3) jobs of BENCH_TASKS (default 2000) trivial tasks.
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { JobId, PeerId, TaskId } from "@shoal/protocol";
import { sampleDataset } from "../../apps/coordinator/src/store/runStoreTests.ts";
import { JobLeases } from "../../apps/coordinator/src/store/postgres/JobLeases.ts";
import { PostgresStore } from "../../apps/coordinator/src/store/postgres/PostgresStore.ts";
import { SqliteStore } from "../../apps/coordinator/src/store/SqliteStore.ts";
import type { Store } from "../../apps/coordinator/src/store/Store.ts";
import { startPostgres } from "../../apps/coordinator/src/testing/startPostgres.ts";
import { dispatchRate } from "./dispatch.ts";

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const TASKS = Number(process.env.BENCH_TASKS ?? 2000);
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
const WARMUP = 200;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

function timeSync(call: (i: number) => unknown): number[] {
  for (let i = 0; i < WARMUP; i++) call(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    call(i);
    times.push((performance.now() - t0) * 1000);
  }
  return times;
}

async function timeAsync(call: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await call(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    await call(i);
    times.push((performance.now() - t0) * 1000);
  }
  return times;
}

/** The calls a coordinator makes most: a read by id, a group commit with its credit, a token check. */
function storeRows(name: string, store: Store): Array<[string, number[]]> {
  store.insertDataset(sampleDataset("d1"));
  store.insertJob({ id: "j1" as JobId, dataset: sampleDataset("d1").id, spec: "{}", hasReduce: false, replicas: 1, quorum: 1, createdAt: "2026-01-01T00:00:00.000Z" });
  const at = "2026-01-01T00:00:00.000Z";
  const commit = (i: number) =>
    store.transaction(() => {
      store.appendCommands(['{"type":"tick","now":1}', '{"type":"tick","now":2}']);
      store.credit.record([{ jobId: "j1" as JobId, taskId: `j1/map/${i}` as TaskId, account: `p:peer`, units: 1, at }]);
    });
  return [
    [`${name}: getJob`, timeSync(() => store.getJob("j1" as JobId))],
    [`${name}: hasToken`, timeSync(() => store.hasToken("nope"))],
    [`${name}: peerSecretHash`, timeSync(() => store.peerSecretHash("p" as PeerId))],
    [`${name}: group commit (log + credit, 1 transaction)`, timeSync(commit)],
  ];
}

/**
 * The same group commit as {@link storeRows}', with what several coordinators on one database add
 * to it: the job's lease checked under the epoch held (share-locked) and the accepted result
 * recorded under it.
 */
function fencedCommits(store: PostgresStore): number[] {
  const leases = new JobLeases(store.connection, "bench", 60_000);
  const job = "j1" as JobId;
  store.transaction(() => leases.check([{ command: { type: "submit-job", job: { id: job, graph: { tasks: [], result: { kind: "outputs" } } } } as never, jobs: [job], finished: [] }]));
  const at = "2026-01-01T00:00:00.000Z";
  return timeSync((i) =>
    store.transaction(() => {
      const taskId = `j1/map/f${i}` as TaskId;
      store.appendCommands(['{"type":"tick","now":1}', '{"type":"tick","now":2}']);
      store.credit.record([{ jobId: job, taskId, account: `p:peer`, units: 1, at }]);
      leases.check([{ command: { type: "tick", now: 1 }, jobs: [job], finished: [], accepted: { jobId: job, taskId, attempt: 1 } }]);
    }),
  );
}

const cluster = await startPostgres();
const rows: Array<[string, number[]]> = [];
const dispatch: Array<[string, number[]]> = [];
try {
  const sqlite = new SqliteStore(join(mkdtempSync(join(tmpdir(), "shoal-bench-store-")), "shoal.db"));
  rows.push(...storeRows("SQLite", sqlite));
  sqlite.close();

  const url = await cluster.createDatabase();
  const store = new PostgresStore(url);
  rows.push(["PostgreSQL bridge: SELECT 1", timeSync(() => store.connection.query("SELECT 1"))]);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  rows.push(["PostgreSQL pg awaited directly: SELECT 1", await timeAsync(() => client.query("SELECT 1"))]);
  await client.end();
  rows.push(...storeRows("PostgreSQL", store));
  rows.push(["PostgreSQL: group commit + job lease fence (epoch check, accepted row)", fencedCommits(store)]);
  store.close();

  dispatch.push(["SQLite (--data-dir)", await dispatchRate([], TASKS, REPEATS)]);
  dispatch.push(["PostgreSQL (--store)", await dispatchRate(["--store", await cluster.createDatabase()], TASKS, REPEATS)]);
} finally {
  cluster.stop();
}

console.log(`${CALLS} calls each; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${process.env.BENCH_CORES ?? "this machine's"} cores\n`);
console.log("| call | median µs | p99 µs |");
console.log("|---|---:|---:|");
for (const [name, times] of rows) console.log(`| ${name} | ${percentile(times, 50).toFixed(0)} | ${percentile(times, 99).toFixed(0)} |`);
console.log(`\n| store | tasks/s (median of ${REPEATS} jobs of ${TASKS}, batch 1, 2 volunteers over WebSocket) | runs |`);
console.log("|---|---:|---|");
for (const [name, rates] of dispatch) console.log(`| ${name} | ${percentile(rates, 50).toFixed(0)} | ${rates.map((r) => r.toFixed(0)).join(", ")} |`);

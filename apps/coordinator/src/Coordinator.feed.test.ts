import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetView, JobView, Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { startCoordinator } from "./Coordinator.ts";
import type { Logger } from "./Logger.ts";
import { SyncPostgres } from "./store/postgres/SyncPostgres.ts";
import { shoalRunSma, SMA_SPEC, SP500_CSV } from "./testing/fixtures.ts";
import { leaseInvariants } from "./testing/leaseInvariants.ts";
import type { TestPostgres } from "./testing/startPostgres.ts";
import { startPostgres } from "./testing/startPostgres.ts";
import { api, ClusterProcesses, waitForJob } from "./testing/clusterProcesses.ts";
import { json } from "./testing/startTestCoordinator.ts";

const processes = new ClusterProcesses();
let cluster: TestPostgres;

beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => {
  processes.killAll();
  cluster?.stop();
});

/**
 * Two coordinators on a fresh database (one data directory, as a shared volume), a's author token,
 * and the sample dataset uploaded to a; job leases of `leaseTtl` (2 s makes a kill's takeover quick).
 */
async function twoNodes(name: string, leaseTtl = "2s") {
  const store = await cluster.createDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), `shoal-${name}-`));
  const a = await processes.coordinator(store, dataDir, leaseTtl);
  const token = (await a.process.waitFor(/author token.*: (shoal_\S+)/, 120_000))[1]!;
  const b = await processes.coordinator(store, dataDir, leaseTtl);
  const dataset = (await json<DatasetView>(api(a.url, token, "/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
  const submit = (url: string) => json<JobView>(api(url, token, "/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC }) }));
  return { store, dataDir, a, b, token, submit };
}

/** The lease invariants and who owned the job, read in SQL. */
function audit(store: string, jobId: string) {
  const db = new SyncPostgres(store);
  try {
    const owners = db.query<{ owner: string }>("SELECT owner FROM job_lease_history WHERE job_id = $1 ORDER BY epoch", [jobId]).rows.map((row) => row.owner);
    const acceptedBy = db.query<{ node: string; n: number }>("SELECT node, count(*) AS n FROM accepted_results WHERE job_id = $1 GROUP BY node ORDER BY node", [jobId]).rows;
    return { invariants: leaseInvariants(db), owners, acceptedBy };
  } finally {
    db.close();
  }
}

describe("volunteers on any coordinator are fed from every job (PostgreSQL, real processes)", () => {
  it("a job owned by a, with volunteers only on b, finishes with shoal run's result: b claims a's offers and forwards the results, a accepts them under its epoch", async () => {
    const reference = shoalRunSma();
    // Leases of 10 s: on a loaded machine 2 s ones can pass between nodes with nobody killed, and this test asserts a kept the job.
    const { store, a, b, token, submit } = await twoNodes("feed", "10s");
    const job = await submit(a.url);
    processes.worker(b.url);
    processes.worker(b.url);
    const done = await waitForJob(a.url, token, job.id, (view) => view.status === "done" || view.status === "failed");
    expect(done).toMatchObject({ status: "done", tasks: { total: 56, done: 56 } });
    expect(canonicalJson(await json<Json>(api(a.url, token, `/api/jobs/${job.id}/result`)))).toBe(await reference);
    const { invariants, owners, acceptedBy } = audit(store, job.id);
    expect(invariants).toMatchObject({ duplicates: 0, foreignEpoch: 0, stale: 0 });
    // a owned the job throughout and accepted every result; b's volunteers ran them all.
    expect(owners).toEqual([a.node]);
    expect(acceptedBy).toEqual([{ node: a.node, n: 56 }]);
    expect(b.node).not.toBe(a.node);
  }, 300_000);

  it("kill -9 of the node whose volunteers run a's job: its claimed offers expire, a releases them without spending a try, and c's volunteers rerun them", async () => {
    const reference = shoalRunSma();
    const { store, dataDir, a, b, token, submit } = await twoNodes("feedkill", "6s");
    const c = await processes.coordinator(store, dataDir, "6s");
    const job = await submit(a.url);
    const onB = [processes.worker(b.url), processes.worker(b.url)];
    await waitForJob(a.url, token, job.id, (view) => view.results.accepted >= 4);
    await b.process.kill9();
    await Promise.all(onB.map((w) => w.kill9()));
    processes.worker(c.url);
    const done = await waitForJob(a.url, token, job.id, (view) => view.status === "done" || view.status === "failed");
    expect(done).toMatchObject({ status: "done", tasks: { total: 56, done: 56 } });
    expect(canonicalJson(await json<Json>(api(a.url, token, `/api/jobs/${job.id}/result`)))).toBe(await reference);
    const { invariants, owners, acceptedBy } = audit(store, job.id);
    expect(invariants).toMatchObject({ duplicates: 0, foreignEpoch: 0, stale: 0 });
    expect(owners).toEqual([a.node]);
    expect(acceptedBy).toEqual([{ node: a.node, n: 56 }]);
    // b held claims when it died (two volunteers, two attempts each): a released them, and they ran again under later attempts.
    const db = new SyncPostgres(store);
    try {
      const rerun = db.query<{ n: number }>("SELECT count(*) AS n FROM accepted_results WHERE job_id = $1 AND attempt > 1", [job.id]).rows[0]!.n;
      expect(rerun).toBeGreaterThan(0);
      expect(db.query<{ n: number }>("SELECT count(*) AS n FROM task_offers").rows[0]!.n).toBe(0);
    } finally {
      db.close();
    }
  }, 300_000);

  it("kill -9 of the owner while only b's volunteers run its job: b takes it over, a's offers are dead (never claimed again, results under them ignored), and b's volunteers finish it", async () => {
    const reference = shoalRunSma();
    const { store, a, b, token, submit } = await twoNodes("feedowner", "6s");
    const job = await submit(a.url);
    processes.worker(b.url);
    processes.worker(b.url);
    await waitForJob(b.url, token, job.id, (view) => view.results.accepted >= 4);
    await a.process.kill9();
    const done = await waitForJob(b.url, token, job.id, (view) => view.status === "done" || view.status === "failed");
    expect(done).toMatchObject({ status: "done", tasks: { total: 56, done: 56 } });
    expect(canonicalJson(await json<Json>(api(b.url, token, `/api/jobs/${job.id}/result`)))).toBe(await reference);
    await b.process.waitFor(new RegExp(`job ${job.id}: taken over from ${a.node}`));
    const { invariants, owners } = audit(store, job.id);
    expect(invariants).toMatchObject({ duplicates: 0, foreignEpoch: 0, stale: 0 });
    expect(owners).toEqual([a.node, b.node]);
    const db = new SyncPostgres(store);
    try {
      // Nothing of epoch 1 is left to claim or to read: b deleted a's offers and any result written under them.
      expect(db.query<{ n: number }>("SELECT count(*) AS n FROM task_offers").rows[0]!.n).toBe(0);
      expect(db.query<{ n: number }>("SELECT count(*) AS n FROM remote_results").rows[0]!.n).toBe(0);
      const byEpoch = db.query<{ epoch: number; node: string }>("SELECT DISTINCT epoch, node FROM accepted_results WHERE job_id = $1 ORDER BY epoch", [job.id]).rows;
      expect(byEpoch).toEqual([{ epoch: 1, node: a.node }, { epoch: 2, node: b.node }]);
    } finally {
      db.close();
    }
  }, 300_000);

  it("forged and replayed remote result rows change nothing: another epoch's, an unknown task's, a stranger's, a malformed one, another attempt's, a wrong result, one for a claim that expired; the job then finishes with shoal run's result", async () => {
    const reference = shoalRunSma();
    const store = await cluster.createDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-feedhostile-"));
    const warnings: string[] = [];
    const logger: Logger = { info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
    const options = { port: 0, webrtc: false as const, dataDir, store, webDist: join(dataDir, "no-web-app"), leaseTtlMs: 60_000 };
    const a = await startCoordinator({ ...options, logger });
    const db = new SyncPostgres(store);
    const until = async (what: string, holds: () => boolean) => {
      for (let i = 0; !holds(); i++) {
        if (i > 600) throw new Error(`timed out waiting for ${what}; the log said: ${warnings.join(" | ").slice(0, 2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const count = (sql: string, params: unknown[] = []) => Number(db.query<{ n: number }>(sql, params).rows[0]!.n);
    try {
      const token = a.token!;
      const dataset = (await json<DatasetView>(api(a.url, token, "/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
      const job = await json<JobView>(api(a.url, token, "/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC }) }));
      // A node "x" says it has 6 idle slots: a offers (at least) 6 attempts; x claims them by hand.
      // As an idle node does, x asks again every second until it sees offers.
      let asked = 0;
      await until("a's offers", () => {
        if (asked++ % 10 === 0) db.query("SELECT pg_notify('shoal_task_demand', 'x:6')");
        return count("SELECT count(*) AS n FROM task_offers") >= 6;
      });
      const offered = db.query<{ task_id: string; attempt: number }>("UPDATE task_offers SET claimed_by = 'x', claim_expires = now() + interval '1 hour' RETURNING task_id, attempt").rows;
      const [o0, o1, o2, o3, o4, o5] = offered;
      const result = (taskId: string, attempt: number, outputs: unknown[]) => JSON.stringify({ type: "task-result", taskId, attempt, result: { outputs }, log: [], instructions: 1, elapsedMs: 1 });
      const forge = (taskId: string, attempt: number, epoch: number, node: string, outcome: string) =>
        db.query("INSERT INTO remote_results (job_id, task_id, attempt, epoch, node, volunteer, outcome) VALUES ($1, $2, $3, $4, $5, 'p_forged', $6)", [job.id, taskId, attempt, epoch, node, outcome]);
      forge(o0!.task_id, o0!.attempt, 2, "x", result(o0!.task_id, o0!.attempt, [1, 2, 3, 4]));
      forge(`${job.id}/map/999`, 1, 1, "x", result(`${job.id}/map/999`, 1, [1, 2, 3, 4]));
      forge(o1!.task_id, o1!.attempt, 1, "y", result(o1!.task_id, o1!.attempt, [1, 2, 3, 4]));
      forge(o2!.task_id, o2!.attempt, 1, "x", "{not json");
      forge(o3!.task_id, o3!.attempt, 1, "x", result(o4!.task_id, o4!.attempt, [1, 2, 3, 4]));
      forge(o5!.task_id, o5!.attempt, 1, "x", result(o5!.task_id, o5!.attempt, []));
      db.query("SELECT pg_notify('shoal_remote_results', '')");
      await until("a to take the forged rows", () => count("SELECT count(*) AS n FROM remote_results") === 0);
      const said = warnings.join("\n");
      expect(said).toMatch(/written under epoch 2, but this coordinator holds the job at epoch 1/);
      expect(said).toMatch(/no offer of that attempt is open/);
      expect(said).toMatch(/its node does not hold the offer's claim/);
      expect(said).toMatch(/its outcome is malformed/);
      expect(said).toMatch(/its outcome names another attempt than the row/);
      expect(said).toMatch(/remote task-result .* from x \(volunteer p_forged\): rejected/);

      // x's claims expire: a releases them, and a result replayed for one of those attempts is no longer believed.
      db.query("UPDATE task_offers SET claim_expires = now() - interval '1 second'");
      await until("a to drop the expired claims", () => count("SELECT count(*) AS n FROM task_offers WHERE claimed_by = 'x'") === 0);
      const before = warnings.length;
      forge(o4!.task_id, o4!.attempt, 1, "x", result(o4!.task_id, o4!.attempt, [1, 2, 3, 4]));
      db.query("SELECT pg_notify('shoal_remote_results', '')");
      await until("a to take the replayed row", () => count("SELECT count(*) AS n FROM remote_results") === 0);
      expect(warnings.slice(before).join("\n")).toMatch(/no offer of that attempt is open/);

      expect(count("SELECT count(*) AS n FROM accepted_results")).toBe(0);
      const view = await json<JobView>(api(a.url, token, `/api/jobs/${job.id}`));
      expect(view.tasks.done).toBe(0);
      expect(view.results.accepted).toBe(0);

      // Honest volunteers on another node then finish the job with shoal run's result; only their results were accepted.
      const b = await startCoordinator({ ...options, logger: { info() {}, warn() {}, error() {} } });
      try {
        processes.worker(b.url);
        const done = await waitForJob(a.url, token, job.id, (v) => v.status === "done" || v.status === "failed");
        expect(done).toMatchObject({ status: "done", tasks: { total: 56, done: 56 } });
        expect(canonicalJson(await json<Json>(api(a.url, token, `/api/jobs/${job.id}/result`)))).toBe(await reference);
        expect(leaseInvariants(db)).toMatchObject({ accepted: 56, duplicates: 0, foreignEpoch: 0, stale: 0 });
      } finally {
        await b.close();
      }
    } finally {
      db.close();
      await a.close();
    }
  }, 300_000);
});


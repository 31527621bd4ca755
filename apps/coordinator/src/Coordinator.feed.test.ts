import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetView, JobView, Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
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

/** Two coordinators on a fresh database (one data directory, as a shared volume), a's author token, and the sample dataset uploaded to a. */
async function twoNodes(name: string) {
  const store = await cluster.createDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), `shoal-${name}-`));
  const a = await processes.coordinator(store, dataDir);
  const token = (await a.process.waitFor(/author token.*: (shoal_\S+)/))[1]!;
  const b = await processes.coordinator(store, dataDir);
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
    const { store, a, b, token, submit } = await twoNodes("feed");
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
});

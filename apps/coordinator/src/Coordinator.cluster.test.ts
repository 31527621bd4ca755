import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetView, JobView } from "@shoal/protocol";
import { startCoordinator } from "./Coordinator.ts";
import { silentLogger } from "./Logger.ts";
import { SMA_SPEC, SP500_CSV } from "./testing/fixtures.ts";
import type { TestPostgres } from "./testing/startPostgres.ts";
import { startPostgres } from "./testing/startPostgres.ts";
import type { ErrorBody } from "./testing/startTestCoordinator.ts";
import { json } from "./testing/startTestCoordinator.ts";

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => cluster?.stop());

describe("two coordinators on one database, in process", () => {
  it("cancelling a job at a coordinator that does not own it is a 409 saying where to cancel it, and changes nothing; the owner cancels it", async () => {
    const store = await cluster.createDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-cluster-"));
    const options = { port: 0, webrtc: false as const, logger: silentLogger, dataDir, store, webDist: join(dataDir, "no-web-app"), leaseTtlMs: 60_000 };
    const a = await startCoordinator(options);
    const b = await startCoordinator(options);
    try {
      const api = (url: string, path: string, init: RequestInit = {}) => fetch(`${url}${path}`, { ...init, headers: { Authorization: `Bearer ${a.token}` } });
      const dataset = (await json<DatasetView>(api(a.url, "/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
      const job = await json<JobView>(api(a.url, "/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC }) }));

      const refused = await api(b.url, `/api/jobs/${job.id}/cancel`, { method: "POST" });
      expect(refused.status).toBe(409);
      expect((await json<ErrorBody>(refused)).error).toBe(`job ${job.id} is run by another coordinator on this database; cancel it there`);
      expect((await json<JobView>(api(a.url, `/api/jobs/${job.id}`))).status).toMatch(/queued|running/);

      const cancelled = await json<JobView>(api(a.url, `/api/jobs/${job.id}/cancel`, { method: "POST" }));
      expect(cancelled.status).toBe("cancelled");
      // Read from the shared store, a finished job looks the same from every coordinator.
      expect((await json<JobView>(api(b.url, `/api/jobs/${job.id}`))).status).toBe("cancelled");
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});

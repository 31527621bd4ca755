import { join } from "node:path";
import Database from "better-sqlite3";
import type { Hello, Json, Welcome } from "@shoal/protocol";
import { PROTOCOL_VERSION } from "@shoal/protocol";
import type { CoordinatorOptions } from "../CoordinatorOptions.ts";
import type { JobView } from "../authors/JobView.ts";
import type { DatasetView } from "../http/routes/datasetRoutes.ts";
import { lineLogger } from "../Logger.ts";
import { SMALL_SMA_SPEC, SP500_CSV } from "./fixtures.ts";
import { ProtocolClient } from "./ProtocolClient.ts";
import type { TestCoordinator } from "./startTestCoordinator.ts";
import { json, startTestCoordinator } from "./startTestCoordinator.ts";
import type { TestWorkerOptions } from "./TestWorker.ts";
import { TestWorker } from "./TestWorker.ts";

/** A hello as a test volunteer sends it, with whatever a test overrides. */
export const helloOf = (overrides: Partial<Hello> = {}): Hello => ({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: ["fengari"], shards: [], ...overrides });

/**
 * A real coordinator (loopback port, SQLite in a temp dir, log lines kept as written) with the
 * S&P 500 sample uploaded, and the pieces the hostile-volunteer tests combine: honest
 * {@link TestWorker}s, raw WebSocket clients that say whatever they are told, and views of the store.
 */
export class GridHarness {
  readonly coordinator: TestCoordinator;
  readonly dataset: string;
  /** Every log line the coordinator wrote, as written (timestamp, level, escaped message, newline). */
  readonly logLines: string[];
  readonly #clients: ProtocolClient[] = [];

  private constructor(coordinator: TestCoordinator, dataset: string, logLines: string[]) {
    this.coordinator = coordinator;
    this.dataset = dataset;
    this.logLines = logLines;
  }

  static async start(options: Partial<CoordinatorOptions> = {}): Promise<GridHarness> {
    const logLines: string[] = [];
    const coordinator = await startTestCoordinator({ logger: lineLogger((line) => logLines.push(line)), ...options });
    const dataset = (await json<DatasetView>(coordinator.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
    return new GridHarness(coordinator, dataset, logLines);
  }

  /** A raw client on `/ws`, closed with the harness. */
  async client(): Promise<ProtocolClient> {
    const client = await ProtocolClient.connect(this.coordinator.wsUrl);
    this.#clients.push(client);
    return client;
  }

  /** A raw client that said hello (with `overrides`) and got its welcome. */
  async hello(overrides: Partial<Hello> = {}): Promise<{ client: ProtocolClient; welcome: Welcome }> {
    const client = await this.client();
    client.send(helloOf(overrides));
    return { client, welcome: await client.next("welcome") };
  }

  /** An honest volunteer running tasks with the real executor, started (hello, welcome, asking for work). */
  async honest(options: TestWorkerOptions = {}): Promise<{ client: ProtocolClient; worker: TestWorker }> {
    const client = await this.client();
    const worker = new TestWorker({ send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) }, options);
    await worker.start();
    return { client, worker };
  }

  /** Submits the small SMA sweep (`shoalRunSmallSma` prints its result) with the given replication. */
  async submitSma(replicas = 1, quorum = 1): Promise<JobView> {
    const body = JSON.stringify({ dataset: this.dataset, spec: SMALL_SMA_SPEC, replicas, quorum });
    return json<JobView>(this.coordinator.api("/api/jobs", { method: "POST", body, headers: { "Content-Type": "application/json" } }));
  }

  job(id: string): Promise<JobView> {
    return json<JobView>(this.coordinator.api(`/api/jobs/${id}`));
  }

  result(id: string): Promise<Json> {
    return json<Json>(this.coordinator.api(`/api/jobs/${id}/result`));
  }

  /** Resolves with the job once it is no longer running; rejects after `timeoutMs`. */
  async finished(id: string, timeoutMs = 60_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.job(id);
      if (job.status !== "running" && job.status !== "queued") return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}: ${JSON.stringify(job.tasks)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Task results the coordinator has counted, by outcome, from `/metrics`. */
  async results(): Promise<Record<string, number>> {
    const text = await (await fetch(`${this.coordinator.url}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(/^shoal_results_total\{outcome="(\w+)"\} (\d+)$/gm)].map((m) => [m[1] as string, Number(m[2])]));
  }

  async healthy(): Promise<boolean> {
    const response = await fetch(`${this.coordinator.url}/healthz`);
    return response.ok && ((await response.json()) as { ok: unknown }).ok === true;
  }

  /** Reads the SQLite store beside the running coordinator (WAL lets a second reader in). */
  read<T>(query: (db: Database.Database) => T): T {
    const db = new Database(join(this.coordinator.dataDir, "shoal.db"), { readonly: true });
    try {
      return query(db);
    } finally {
      db.close();
    }
  }

  /** Characters of command log text in the store, and its rows. */
  commandLog(): { rows: number; chars: number } {
    return this.read((db) => db.prepare("SELECT count(*) AS rows, coalesce(sum(length(command)), 0) AS chars FROM scheduler_log").get() as { rows: number; chars: number });
  }

  peerRows(): number {
    return this.read((db) => (db.prepare("SELECT count(*) AS n FROM peers").get() as { n: number }).n);
  }

  /** Closes every client opened so far, so the next test's job goes to its own volunteers. */
  async closeClients(): Promise<void> {
    const clients = this.#clients.splice(0);
    for (const client of clients) client.close();
    await Promise.all(clients.map((client) => client.closed));
  }

  async close(): Promise<void> {
    await this.closeClients();
    await this.coordinator.close();
  }
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetView, JobView, PeerView } from "@shoal/protocol";
import { PROTOCOL_VERSION } from "@shoal/protocol";
import { SMALL_SMA_SPEC, SP500_CSV } from "./testing/fixtures.ts";
import { ProtocolClient } from "./testing/ProtocolClient.ts";
import type { TestPostgres } from "./testing/startPostgres.ts";
import { startPostgres } from "./testing/startPostgres.ts";
import type { TestCoordinator } from "./testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "./testing/startTestCoordinator.ts";

let cluster: TestPostgres;
const coordinators: TestCoordinator[] = [];
const clients: ProtocolClient[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(async () => {
  clients.forEach((client) => client.socket.terminate());
  // A coordinator whose database is gone cannot snapshot on close; the cluster goes with the test file anyway.
  cluster?.restart();
  for (const c of coordinators) await c.close().catch(() => undefined);
  cluster?.stop();
});

async function connect(url: string): Promise<ProtocolClient> {
  const client = await ProtocolClient.connect(url);
  clients.push(client);
  return client;
}

/** Resolves with the socket's close, or rejects after `ms`: a socket the coordinator forgot but left open never closes. */
function closedWithin(client: ProtocolClient, ms: number): Promise<{ code: number; reason: string }> {
  return Promise.race([client.closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the coordinator left the socket open for ${ms} ms`)), ms))]);
}

describe("a coordinator on PostgreSQL while the database restarts", () => {
  it("closes the channel of every worker whose commit failed (the database down), so they reconnect; a worker that does not come back loses its leases once the store is back; a hello it cannot admit leaves no session behind", async () => {
    const store = await cluster.createDatabase();
    // Leases last ten minutes and silence ends a session after an hour: nothing the test sees comes from a lease expiring or a silence.
    const c = await startTestCoordinator({ store, scheduler: { leaseMs: 600_000 }, heartbeatMs: 600_000, silenceMs: 3_600_000, tickMs: 100 });
    coordinators.push(c);
    const dataset = (await json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
    const job = await json<JobView>(c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMALL_SMA_SPEC }) }));

    const first = await connect(c.wsUrl);
    first.send({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: ["fengari"], shards: [] });
    const welcome = await first.next("welcome");
    first.send({ type: "request-work", freeSlots: 1 });
    const [held] = (await first.next("assign")).assignments;
    expect(held!.jobId).toBe(job.id);

    cluster.kill();
    // A heartbeat of a peer holding a lease changes the scheduler's state: its commit fails with the database down.
    first.send({ type: "heartbeat" });
    // The coordinator closes the channel, and the socket with it, rather than dropping the session and keeping the socket.
    expect((await closedWithin(first, 20_000)).reason).toBe("coordinator store error");
    // A new worker's hello cannot be admitted (its add-peer is not logged): it is refused with an error and closed, and not
    // kept as a session (which nothing would ever remove: it never got a peer id to leave with).
    const newcomer = await connect(c.wsUrl);
    newcomer.send({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: ["fengari"], shards: [] });
    expect((await newcomer.next("error")).message).toBe("internal error in the coordinator");
    await closedWithin(newcomer, 20_000);

    cluster.restart();
    // Once the store is back, the coordinator logs that the first worker left: its lease goes back in the queue then, not after ten minutes.
    let view = await json<JobView>(c.api(`/api/jobs/${job.id}`));
    for (let i = 0; i < 300 && view.tasks.running > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = await json<JobView>(c.api(`/api/jobs/${job.id}`));
    }
    expect(view.tasks).toMatchObject({ running: 0, done: 0 });

    // The first worker comes back under its id (the coordinator forgot its session cleanly) and gets work again.
    const again = await connect(c.wsUrl);
    again.send({ type: "hello", protocol: PROTOCOL_VERSION, peerId: welcome.peerId, secret: welcome.secret, threads: 1, engines: ["fengari"], shards: [], running: [] });
    expect((await again.next("welcome", 30_000)).peerId).toBe(welcome.peerId);
    // The connected volunteers are exactly the one connected: no session left behind by the outage.
    expect((await json<PeerView[]>(c.api("/api/peers"))).map((peer) => peer.id)).toEqual([welcome.peerId]);
    again.send({ type: "request-work", freeSlots: 1 });
    expect((await again.next("assign", 30_000)).assignments.length).toBeGreaterThan(0);
  }, 180_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_LIMITS, PROTOCOL_VERSION } from "@shoal/protocol";
import { SMA_SPEC, SP500_CSV } from "../testing/fixtures.ts";
import { ProtocolClient } from "../testing/ProtocolClient.ts";
import type { TestCoordinator } from "../testing/startTestCoordinator.ts";
import { startTestCoordinator } from "../testing/startTestCoordinator.ts";
import type { JobView } from "../authors/JobView.ts";
import type { DatasetView } from "../http/routes/datasetRoutes.ts";
import { json } from "../testing/startTestCoordinator.ts";

const hello = { type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: ["fengari"], shards: [] };

describe("the WebSocket endpoint with raw clients", () => {
  let c: TestCoordinator;
  let good: ProtocolClient;
  beforeAll(async () => {
    c = await startTestCoordinator({ helloTimeoutMs: 1000 });
    good = await ProtocolClient.connect(c.wsUrl);
    good.sendRaw(JSON.stringify(hello));
    await good.next("welcome");
  });
  afterAll(async () => {
    good.close();
    await c.close();
  });

  it.each([
    ["malformed JSON", ["{not json"], /not JSON/],
    ["an oversized control message", [JSON.stringify({ type: "heartbeat", pad: "x".repeat(MESSAGE_LIMITS.controlBytes) })], /larger than/],
    ["an unknown message type", [JSON.stringify({ type: "steal-jobs" })], /bad steal-jobs message/],
    ["another protocol version", [JSON.stringify({ ...hello, protocol: PROTOCOL_VERSION + 1 })], new RegExp(`protocol version ${PROTOCOL_VERSION + 1} is not supported`)],
    ["work requested before hello", [JSON.stringify({ type: "request-work", freeSlots: 1 })], /expected hello first/],
    ["a second hello", [JSON.stringify(hello), JSON.stringify(hello)], /hello sent twice/],
    ["a job sent by a worker", [JSON.stringify(hello), JSON.stringify({ type: "job", jobId: "j", spec: { script: "" } })], /bad job message/],
    ["a binary frame", [Buffer.from([1, 2, 3])], /binary/],
  ])("answers %s with an error and closes that socket only", async (_name, messages, error) => {
    const bad = await ProtocolClient.connect(c.wsUrl);
    for (const message of messages) bad.sendRaw(message);
    expect((await bad.next("error")).message).toMatch(error);
    expect((await bad.closed).code).toBe(1000);
    expect(good.socket.readyState).toBe(good.socket.OPEN);
  });

  it("closes a socket that never says hello", async () => {
    const mute = await ProtocolClient.connect(c.wsUrl);
    expect((await mute.next("error", 5000)).message).toMatch(/no hello within 1000 ms/);
    await mute.closed;
  });

  // The code the sender sees depends on timing: ws's own 1009, our error handler's 1000, or a reset (1006).
  it("closes a socket whose message exceeds maxPayload, whatever close code reaches the sender", async () => {
    const huge = await ProtocolClient.connect(c.wsUrl);
    huge.socket.on("error", () => {});
    huge.sendRaw("x".repeat(MESSAGE_LIMITS.messageBytes + 1));
    expect([1000, 1006, 1009]).toContain((await huge.closed).code);
    expect(good.socket.readyState).toBe(good.socket.OPEN);
  });

  it("keeps serving the well-behaved client: it gets the job and its assignments", async () => {
    const dataset = (await json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
    good.sendRaw(JSON.stringify({ type: "request-work", freeSlots: 1 }));
    const created = await c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC }) });
    const job = await json<JobView>(created);
    const spec = await good.next("job");
    expect(spec).toMatchObject({ jobId: job.id, spec: { script: SMA_SPEC.script, batchSize: 4 } });
    const assign = await good.next("assign");
    expect(assign.assignments).toHaveLength(2);
    expect(assign.assignments[0]).toMatchObject({ jobId: job.id, attempt: 1, task: { kind: "map" }, shard: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(assign.assignments[0]).not.toHaveProperty("backup");
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toMatch(/shoal_protocol_errors_total (9|1\d)/);
  });
});

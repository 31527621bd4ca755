import type { Assignment, JobSpec, MapTaskSpec, ReduceTaskSpec, ShardHash } from "@shoal/protocol";
import { parseJobSpec, PROTOCOL_VERSION } from "@shoal/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryChannel } from "../channel/MemoryChannel.ts";
import { MemoryShardStore } from "../shards/MemoryShardStore.ts";
import { ShardFetcher } from "../shards/ShardFetcher.ts";
import { FakeCoordinator } from "../testing/FakeCoordinator.ts";
import { LyingExecutor } from "../testing/LyingExecutor.ts";
import { mapTask, meanJob, testSeries, testShard } from "../testing/fixtures.ts";
import { InlineExecutor } from "./InlineExecutor.ts";
import { Volunteer } from "./Volunteer.ts";
import type { VolunteerOptions } from "./Volunteer.ts";

const shard = await testShard(testSeries("AAA", 400));

function setup(options: Partial<VolunteerOptions> = {}) {
  const coordinator = new FakeCoordinator();
  const ends: MemoryChannel[] = [];
  const state = { down: false, httpGets: 0 };
  const fetch = async (url: string | URL | Request) => {
    state.httpGets++;
    return String(url).endsWith(shard.hash) ? new Response(shard.bytes.slice()) : new Response("", { status: 404 });
  };
  const connect = async () => {
    if (state.down) throw new Error("connection refused");
    const [mine, theirs] = MemoryChannel.pair();
    ends.push(theirs);
    coordinator.accept(theirs);
    return mine;
  };
  const store = new MemoryShardStore();
  const executor = new InlineExecutor();
  const log: string[] = [];
  const volunteer = new Volunteer({
    connect,
    executor,
    shards: new ShardFetcher({ store, fetch }),
    threads: 2,
    backoff: { initialMs: 20, maxMs: 100 },
    log: (line) => log.push(line),
    ...options,
  });
  const done = volunteer.run();
  running.push(async () => {
    await volunteer.stop();
    await executor.close();
  });
  return { coordinator, ends, state, store, volunteer, done, log };
}

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

function assignment(taskId: string, task: MapTaskSpec | ReduceTaskSpec = mapTask("AAA", 100, 200, [1, 2]), jobId = "job-1", attempt = 1): Assignment {
  return { taskId, attempt, jobId, leaseDeadline: Date.now() + 60_000, task, ...(task.kind === "map" ? { shard: shard.hash as ShardHash } : {}) };
}

async function expected(spec: JobSpec, a: Assignment) {
  const inline = new InlineExecutor();
  const result = await inline.run({ jobId: a.jobId, spec, task: a.task, shard });
  await inline.close();
  return result;
}

describe("Volunteer", () => {
  it("says hello, asks for work with its free slots, runs assignments on fetched shards and reports results", async () => {
    const { coordinator, store } = setup();
    const spec = meanJob();
    await coordinator.until(() => coordinator.messages("request-work").length > 0);
    expect(coordinator.messages("hello")[0]).toEqual({ type: "hello", protocol: PROTOCOL_VERSION, threads: 2, engines: ["fengari"], shards: [] });
    expect(coordinator.messages("request-work")[0]).toEqual({ type: "request-work", freeSlots: 2 });
    const tasks = [assignment("t1"), assignment("t2", mapTask("AAA", 200, 400, [3])), assignment("t3", { kind: "reduce", level: 0, group: 0, values: [{ mean: 2 }, { mean: 3 }] })];
    coordinator.enqueue("job-1", spec, tasks);
    await coordinator.until(() => coordinator.messages("task-result").length === 3);
    const results = new Map(coordinator.messages("task-result").map((m) => [m.taskId, m]));
    const t1 = await expected(spec, tasks[0]!);
    expect(results.get("t1")).toMatchObject({ attempt: 1, result: { outputs: "outputs" in t1 ? t1.outputs : [] }, instructions: t1.instructions });
    expect(results.get("t3")?.result).toEqual({ output: { total: 5 } });
    expect(coordinator.messages("shards-held")).toEqual([{ type: "shards-held", shards: [shard.hash] }]);
    expect(await store.has(shard.hash)).toBe(true);
  });

  it("fetches a shard once for many tasks and announces held shards in the next hello", async () => {
    const { coordinator, state, ends } = setup();
    coordinator.enqueue("job-1", meanJob(), [assignment("a"), assignment("b"), assignment("c"), assignment("d")]);
    await coordinator.until(() => coordinator.messages("task-result").length === 4);
    expect(state.httpGets).toBe(1);
    ends[0]!.close("restart");
    await coordinator.until(() => coordinator.messages("hello").length === 2);
    expect(coordinator.messages("hello")[1]).toMatchObject({ peerId: "peer-1", secret: "s-1", shards: [shard.hash] });
  });

  it("sends heartbeats at the coordinator's interval", async () => {
    const { coordinator } = setup();
    coordinator.heartbeatMs = 100;
    await coordinator.until(() => coordinator.messages("heartbeat").length >= 3, 2_000);
  });

  it("takes its heartbeats from the ticker it is given, at the welcome's interval, and stops them on disconnect", async () => {
    const clocks: Array<{ tick: () => void; ms: number; stopped: boolean }> = [];
    const ticker = (tick: () => void, ms: number) => {
      const clock = { tick, ms, stopped: false };
      clocks.push(clock);
      return () => void (clock.stopped = true);
    };
    const { coordinator, ends } = setup({ ticker, idlePollMs: 60_000 });
    coordinator.heartbeatMs = 7000;
    await coordinator.until(() => clocks.length === 2);
    expect(clocks.map((c) => c.ms)).toEqual([7000, 60_000]);
    const before = coordinator.messages("heartbeat").length;
    clocks[0]!.tick();
    clocks[0]!.tick();
    await coordinator.until(() => coordinator.messages("heartbeat").length === before + 2);
    ends[0]!.close("gone");
    await coordinator.until(() => clocks.length === 4);
    expect(clocks.slice(0, 2).map((c) => c.stopped)).toEqual([true, true]);
  });

  it("reports a Lua error with its line and traceback", async () => {
    const { coordinator } = setup();
    const spec = parseJobSpec({ script: "function map(series, p)\n  local x = nil\n  return x.y\nend" });
    coordinator.enqueue("job-1", spec, [assignment("boom")]);
    await coordinator.until(() => coordinator.messages("task-failed").length === 1);
    const [failed] = coordinator.messages("task-failed");
    expect(failed).toMatchObject({ taskId: "boom", attempt: 1, error: { kind: "runtime", line: 3 } });
    expect(failed?.error.message).toMatch(/^job\.lua:3: attempt to index a nil value/);
    expect(failed?.error.traceback).toMatch(/traceback/);
  });

  it("reports the print output of a failed task: its earlier points' and the failing call's, up to the error", async () => {
    const { coordinator } = setup();
    const spec = parseJobSpec({ script: 'function map(series, p)\n  print("point " .. p.k)\n  if p.k == 2 then error("boom") end\n  return p.k\nend' });
    coordinator.enqueue("job-1", spec, [assignment("boom")]);
    await coordinator.until(() => coordinator.messages("task-failed").length === 1);
    const [failed] = coordinator.messages("task-failed");
    expect(failed).toMatchObject({ taskId: "boom", error: { kind: "runtime", line: 3 }, log: ["point 1", "point 2"] });
    expect(Object.keys(failed?.error ?? {})).not.toContain("log");
  });

  it("drops a cancelled task without reporting it", async () => {
    const { coordinator, volunteer } = setup({ threads: 1 });
    const slow = parseJobSpec({ script: "function map(s, p)\n  local n = 0.0\n  for i = 1, 1e6 do n = n + i end\n  return n\nend" });
    coordinator.enqueue("job-1", slow, [assignment("slow-1"), assignment("slow-2")]);
    await coordinator.until(() => volunteer.status().running === 2);
    coordinator.send("peer-1", { type: "cancel", taskIds: ["slow-2"] });
    await coordinator.until(() => coordinator.messages("task-result").length === 1 && volunteer.status().running === 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(coordinator.messages("task-result").map((m) => m.taskId)).toEqual(["slow-1"]);
    expect(coordinator.messages("task-failed")).toEqual([]);
  });

  it("closes the channel on a malformed coordinator message and comes back with the same peer id", async () => {
    const { coordinator, ends, log } = setup();
    await coordinator.until(() => coordinator.peers.has("peer-1"));
    ends[0]!.send(JSON.stringify({ type: "assign", assignments: [{ taskId: "x" }] }));
    await coordinator.until(() => coordinator.messages("hello").length === 2);
    expect(ends[0]!.open).toBe(false);
    expect(coordinator.messages("hello")[1]?.peerId).toBe("peer-1");
    expect(log.some((line) => /bad assign message/.test(line))).toBe(true);
  });

  it("hands renewed ICE servers to its owner, and closes the channel on a forged ice-servers message instead of using it", async () => {
    const renewed: unknown[] = [];
    const { coordinator, ends, log } = setup({ onIceServers: (iceServers) => renewed.push(iceServers) });
    await coordinator.until(() => coordinator.peers.has("peer-1"));
    const fresh = [{ urls: "turn:127.0.0.1:3478", username: "1767229200:peer-1", credential: "c" }];
    coordinator.send("peer-1", { type: "ice-servers", iceServers: fresh });
    await coordinator.until(() => renewed.length === 1);
    expect(renewed).toEqual([fresh]);
    ends[0]!.send(JSON.stringify({ type: "ice-servers", iceServers: [{ urls: "http://evil.example/" }] }));
    await coordinator.until(() => coordinator.messages("hello").length === 2);
    expect(ends[0]!.open).toBe(false);
    expect(renewed).toHaveLength(1);
    expect(log.some((line) => /bad ice-servers message/.test(line))).toBe(true);
  });

  it("closes the channel when the coordinator welcomes twice", async () => {
    const { coordinator, ends, log } = setup();
    await coordinator.until(() => coordinator.peers.has("peer-1"));
    ends[0]!.send(JSON.stringify({ type: "welcome", protocol: PROTOCOL_VERSION, peerId: "other", secret: "s", shardHandle: "h", heartbeatMs: 1000, shardBaseUrl: "/s" }));
    await coordinator.until(() => coordinator.messages("hello").length === 2);
    expect(log.some((line) => /a second welcome/.test(line))).toBe(true);
    expect(coordinator.messages("hello")[1]?.peerId).toBe("peer-1");
  });

  it("keeps running tasks across a coordinator outage and delivers their results after reconnecting, resending recent ones", async () => {
    const { coordinator, ends, state, volunteer } = setup({ threads: 1 });
    const slow = parseJobSpec({ script: "function map(s, p)\n  local n = 0.0\n  for i = 1, 1e6 do n = n + i end\n  return n\nend" });
    coordinator.enqueue("job-1", slow, [assignment("first"), assignment("second")]);
    await coordinator.until(() => coordinator.messages("task-result").length === 1);
    state.down = true;
    ends[0]!.close("coordinator killed");
    await coordinator.until(() => volunteer.status().running === 0);
    expect(coordinator.messages("task-result")).toHaveLength(1);
    state.down = false;
    await coordinator.until(() => coordinator.messages("hello").length === 2);
    await coordinator.until(() => coordinator.messages("task-result").length === 3);
    const afterReconnect = coordinator.received.slice(coordinator.received.findIndex((r, i) => i > 0 && r.message.type === "hello"));
    expect(afterReconnect.filter((r) => r.message.type === "task-result").map((r) => (r.message as { taskId: string }).taskId).sort()).toEqual(["first", "second"]);
    expect(coordinator.messages("hello")[1]?.peerId).toBe("peer-1");
  });

  it("retries a coordinator that is down with growing delays", async () => {
    const { coordinator, state, log } = setup({ random: () => 1 });
    await coordinator.until(() => coordinator.peers.size === 1);
    state.down = true;
    coordinator.peers.get("peer-1")!.channel.close("gone");
    await new Promise((resolve) => setTimeout(resolve, 400));
    const failures = log.filter((line) => line.startsWith("cannot reach")).length;
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(failures).toBeLessThanOrEqual(10);
    state.down = false;
    await coordinator.until(() => coordinator.messages("hello").length === 2, 2_000);
  });

  it("stops for good when refused, logging the coordinator's reason quoted", async () => {
    const { coordinator, done, volunteer, log } = setup();
    await coordinator.until(() => coordinator.peers.size === 1);
    coordinator.send("peer-1", { type: "refused", reason: "lost too many quorums\nshoal worker: forged" });
    await expect(done).resolves.toBe("lost too many quorums\nshoal worker: forged");
    expect(volunteer.status().state).toBe("refused");
    expect(coordinator.messages("hello")).toHaveLength(1);
    expect(log.filter((line) => line.includes("forged"))).toEqual(['refused by the coordinator: "lost too many quorums\\nshoal worker: forged"']);
  });

  it("with the TEST-ONLY LyingExecutor reports results of the same shape with different values", async () => {
    const { coordinator } = setup({ executor: new LyingExecutor(new InlineExecutor()) });
    const spec = meanJob();
    const task = assignment("t1");
    coordinator.enqueue("job-1", spec, [task]);
    await coordinator.until(() => coordinator.messages("task-result").length === 1);
    const honest = await expected(spec, task);
    const reported = coordinator.messages("task-result")[0]!.result;
    expect("outputs" in reported && "outputs" in honest).toBe(true);
    if (!("outputs" in reported) || !("outputs" in honest)) return;
    expect(reported.outputs).toHaveLength(honest.outputs.length);
    expect(Object.keys(reported.outputs[0] as object).sort()).toEqual(Object.keys(honest.outputs[0] as object).sort());
    expect(reported.outputs).not.toEqual(honest.outputs);
  });
});

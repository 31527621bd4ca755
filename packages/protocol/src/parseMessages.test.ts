import { describe, expect, it } from "vitest";
import { MESSAGE_LIMITS, parseCoordinatorMessage, parsePeerMessage, parseWorkerMessage } from "./parseMessages.ts";
import { PROTOCOL_VERSION } from "./messages.ts";

const HASH = "a".repeat(64);
const text = (value: unknown) => JSON.stringify(value);

describe("parseWorkerMessage", () => {
  it.each([
    { type: "hello", protocol: PROTOCOL_VERSION, threads: 2, engines: ["fengari"], shards: [HASH] },
    { type: "hello", protocol: PROTOCOL_VERSION, peerId: "p1", threads: 1, engines: [], shards: [] },
    { type: "hello", protocol: PROTOCOL_VERSION, peerId: "p1", secret: "Zm9v-YmFy_0", threads: 1, engines: [], shards: [] },
    { type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: ["wasmoon"], runtime: "browser", shards: [] },
    { type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], runtime: "node", shards: [] },
    { type: "hello", protocol: PROTOCOL_VERSION, peerId: "p1", secret: "s", threads: 1, engines: [], shards: [], running: [{ taskId: "j/map/0", attempt: 2 }] },
    { type: "request-work", freeSlots: 3 },
    { type: "heartbeat" },
    { type: "task-result", taskId: "j/map/0", attempt: 1, result: { outputs: [{ a: 1 }, null] }, log: ["hi"], instructions: 10, elapsedMs: 2 },
    { type: "task-result", taskId: "j/reduce/0/0", attempt: 0, result: { output: [1, "x"] }, log: [], instructions: 0, elapsedMs: 0 },
    { type: "task-failed", taskId: "t", attempt: 1, error: { kind: "runtime", message: "job.lua:3: boom", line: 3, traceback: "stack" } },
    { type: "task-failed", taskId: "t", attempt: 1, error: { kind: "runtime", message: "job.lua:3: boom", line: 3 }, log: ["before", "the error"] },
    { type: "shards-held", shards: [HASH] },
    { type: "connectivity", reach: "relay-only" },
    {
      type: "outcomes",
      outcomes: [
        { type: "task-result", taskId: "j/map/0", attempt: 1, result: { outputs: [1] }, log: [], instructions: 1, elapsedMs: 0 },
        { type: "task-failed", taskId: "j/map/1", attempt: 2, error: { kind: "deadline", message: "too slow" } },
      ],
    },
  ])("accepts $type", (message) => {
    expect(parseWorkerMessage(text(message))).toEqual(message);
  });

  it.each([
    ["not text", { type: "heartbeat" }, /not text/],
    ["not JSON", "{", /not JSON/],
    ["no type", text({ kind: "hello" }), /no type/],
    ["unknown type", text({ type: "rm -rf" }), /bad rm -rf message/],
    ["extra field", text({ type: "heartbeat", admin: true }), /bad heartbeat/],
    ["negative slots", text({ type: "request-work", freeSlots: -1 }), /freeSlots/],
    ["too many slots", text({ type: "request-work", freeSlots: 10_000 }), /freeSlots/],
    ["bad hash", text({ type: "shards-held", shards: ["../../etc/passwd"] }), /sha256/],
    ["a failure's print output of too many lines", text({ type: "task-failed", taskId: "t", attempt: 1, error: { kind: "runtime", message: "x" }, log: Array.from({ length: MESSAGE_LIMITS.logLines + 1 }, () => "") }), /log/],
    ["a failure's print line too long", text({ type: "task-failed", taskId: "t", attempt: 1, error: { kind: "runtime", message: "x" }, log: ["x".repeat(MESSAGE_LIMITS.logLineBytes + 1)] }), /log/],
    ["a failure's print output that is not lines", text({ type: "task-failed", taskId: "t", attempt: 1, error: { kind: "runtime", message: "x" }, log: "<b>text</b>" }), /log/],
    ["a reach that is not one of the three", text({ type: "connectivity", reach: "everywhere" }), /bad connectivity message from worker at reach/],
    ["connectivity with extra counts", text({ type: "connectivity", reach: "direct", relay: 9 }), /bad connectivity/],
    ["unknown error kind", text({ type: "task-failed", taskId: "t", attempt: 1, error: { kind: "panic", message: "" } }), /error\.kind/],
    ["oversized control", text({ type: "heartbeat", pad: "x".repeat(MESSAGE_LIMITS.controlBytes) }), /larger than/],
    ["job from a worker", text({ type: "job", jobId: "j", spec: { script: "" } }), /bad job message/],
    ["empty outcomes", text({ type: "outcomes", outcomes: [] }), /outcomes/],
    ["a secret with other characters", text({ type: "hello", protocol: PROTOCOL_VERSION, peerId: "p", secret: "a b", threads: 1, engines: [], shards: [] }), /secret/],
    ["a runtime it does not know", text({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], runtime: "toaster", shards: [] }), /runtime/],
    ["a runtime that is not a word", text({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], runtime: { browser: true }, shards: [] }), /runtime/],
    ["an oversized runtime", text({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], runtime: "browser".repeat(10_000), shards: [] }), /runtime/],
    ["too many running attempts", text({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], shards: [], running: Array.from({ length: MESSAGE_LIMITS.running + 1 }, (_, i) => ({ taskId: `t${i}`, attempt: 1 })) }), /running/],
    ["a running attempt that is not a count", text({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], shards: [], running: [{ taskId: "t", attempt: -1 }] }), /running/],
    ["a running attempt with extra fields", text({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], shards: [], running: [{ taskId: "t", attempt: 1, peerId: "p2" }] }), /running/],
    ["an oversized secret", text({ type: "hello", protocol: PROTOCOL_VERSION, peerId: "p", secret: "a".repeat(65), threads: 1, engines: [], shards: [] }), /secret/],
    ["a result nested 10,000 deep", `{"type":"task-result","taskId":"t","attempt":1,"result":{"output":${"[".repeat(10_000)}${"]".repeat(10_000)}},"log":[],"instructions":0,"elapsedMs":0}`, /nested deeper than 80/],
    ["a result nested 5,000 deep among outcomes", `{"type":"outcomes","outcomes":[{"type":"task-result","taskId":"t","attempt":1,"result":{"outputs":[${"{\"a\":".repeat(5_000)}1${"}".repeat(5_000)}]},"log":[],"instructions":0,"elapsedMs":0}]}`, /nested deeper/],
    ["an output one level deeper than Lua's limit", text({ type: "task-result", taskId: "t", attempt: 1, result: { outputs: [1, JSON.parse("[".repeat(65) + "]".repeat(65))] }, log: [], instructions: 0, elapsedMs: 0 }), /output nested deeper than 64/],
    ["an output too deep among outcomes", text({ type: "outcomes", outcomes: [{ type: "task-result", taskId: "t", attempt: 1, result: { output: JSON.parse("[".repeat(70) + "]".repeat(70)) }, log: [], instructions: 0, elapsedMs: 0 }] }), /output nested deeper than 64/],
    ["a heartbeat nested deep in an extra field", text({ type: "heartbeat", x: JSON.parse("[".repeat(100) + "]".repeat(100)) }), /nested deeper/],
    ["nested outcomes", text({ type: "outcomes", outcomes: [{ type: "outcomes", outcomes: [] }] }), /outcomes/],
    ["a hello among outcomes", text({ type: "outcomes", outcomes: [{ type: "heartbeat" }] }), /outcomes/],
    [
      "too many outcomes",
      text({ type: "outcomes", outcomes: Array.from({ length: MESSAGE_LIMITS.outcomes + 1 }, (_, i) => ({ type: "task-failed", taskId: `t${i}`, attempt: 1, error: { kind: "internal", message: "" } })) }),
      /outcomes/,
    ],
  ])("rejects %s", (_name, raw, message) => {
    expect(() => parseWorkerMessage(raw)).toThrow(message);
  });
});

describe("parseCoordinatorMessage", () => {
  it("accepts an assignment and fills job spec defaults", () => {
    const assign = {
      type: "assign",
      assignments: [
        {
          taskId: "j/map/0",
          attempt: 1,
          jobId: "j",
          leaseDeadline: 1000,
          shard: HASH,
          task: { kind: "map", slice: { key: "sp500", haloStart: 0, start: 0, end: 10 }, points: [{ index: 0, p: { fast: 5 } }] },
        },
      ],
    };
    expect(parseCoordinatorMessage(text(assign))).toEqual(assign);
    const job = parseCoordinatorMessage(text({ type: "job", jobId: "j", spec: { script: "function map() end" } }));
    expect(job.type === "job" && job.spec.batchSize).toBe(16);
  });

  it("accepts a welcome with its secret and shard handle, and shard holders by handle", () => {
    const welcome = { type: "welcome", protocol: PROTOCOL_VERSION, peerId: "p1", secret: "s".repeat(43), shardHandle: "h1", heartbeatMs: 1000, shardBaseUrl: "/shards" };
    expect(parseCoordinatorMessage(text(welcome))).toEqual(welcome);
    const holders = { type: "shard-holders", shard: HASH, handles: ["h1", "h2"] };
    expect(parseCoordinatorMessage(text(holders))).toEqual(holders);
    expect(() => parseCoordinatorMessage(text({ ...welcome, secret: undefined }))).toThrow(/secret/);
    expect(() => parseCoordinatorMessage(text({ ...holders, handles: ["../x"] }))).toThrow(/handles/);
  });

  it("rejects an assignment whose reduce inputs nest too deep", () => {
    const deep = JSON.parse("[".repeat(90) + "]".repeat(90)) as unknown;
    const assign = { type: "assign", assignments: [{ taskId: "r", attempt: 1, jobId: "j", leaseDeadline: 1, task: { kind: "reduce", level: 1, group: 0, values: [deep] } }] };
    expect(() => parseCoordinatorMessage(text(assign))).toThrow(/nested deeper than 80/);
  });

  it("carries back in a reduce assignment any output a worker may report", () => {
    const deepest = JSON.parse("[".repeat(MESSAGE_LIMITS.valueDepth) + "]".repeat(MESSAGE_LIMITS.valueDepth)) as unknown;
    const reported = { type: "task-result", taskId: "t", attempt: 1, result: { output: deepest }, log: [], instructions: 0, elapsedMs: 0 };
    expect(parseWorkerMessage(text({ type: "outcomes", outcomes: [reported] }))).toBeTruthy();
    const values = Array.from({ length: 1000 }, () => deepest);
    const assign = { type: "assign", assignments: [{ taskId: "r", attempt: 1, jobId: "j", leaseDeadline: 1, task: { kind: "reduce", level: 1, group: 0, values } }] };
    expect(parseCoordinatorMessage(text(assign))).toEqual(assign);
  });

  it("rejects a job spec over its limits", () => {
    expect(() => parseCoordinatorMessage(text({ type: "job", jobId: "j", spec: { script: "", batchSize: 0 } }))).toThrow(/spec\.batchSize/);
  });
});

describe("parsePeerMessage", () => {
  it("accepts chunks within limits and rejects bigger ones", () => {
    const chunk = { type: "shard-chunk", shard: HASH, index: 0, count: 1, bytes: 3, data: "AAAA" };
    expect(parsePeerMessage(text(chunk))).toEqual(chunk);
    expect(() => parsePeerMessage(text({ ...chunk, data: "A".repeat(MESSAGE_LIMITS.chunkBytes * 2) }))).toThrow(/data/);
  });
});

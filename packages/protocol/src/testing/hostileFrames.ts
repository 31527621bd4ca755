import fc from "fast-check";
import { PROTOCOL_VERSION } from "../messages.ts";

// Frames for hostile tests: valid ones of each direction, and fast-check arbitraries that break
// them at a random place or make up text outright. Shared by the parsers' property tests and the
// coordinator's soak, where hostile clients send them.

const HASH = "ab".repeat(32);
const result = { type: "task-result", taskId: "j/map/0", attempt: 1, result: { outputs: [{ a: 1 }, null] }, log: ["hi"], instructions: 10, elapsedMs: 2 };
const failed = { type: "task-failed", taskId: "t", attempt: 1, error: { kind: "runtime", message: "job.lua:3: boom", line: 3, traceback: "stack" } };
/** Valid worker → coordinator frames, one or more of each type. */
export const WORKER_FRAMES = [
  { type: "hello", protocol: PROTOCOL_VERSION, peerId: "p1", secret: "a".repeat(64), threads: 2, engines: ["fengari"], shards: [HASH] },
  { type: "request-work", freeSlots: 3 },
  { type: "heartbeat" },
  result,
  { ...result, result: { output: [1, "x", { b: [true] }] } },
  failed,
  { type: "outcomes", outcomes: [result, failed] },
  { type: "shards-held", shards: [HASH] },
  { type: "connectivity", reach: "websocket-only" },
];
/** Valid coordinator → worker frames. */
export const COORDINATOR_FRAMES = [
  { type: "welcome", protocol: PROTOCOL_VERSION, peerId: "p1", secret: "s".repeat(64), shardHandle: "h1", heartbeatMs: 1000, shardBaseUrl: "/shards" },
  { type: "welcome", protocol: PROTOCOL_VERSION, peerId: "p1", secret: "s".repeat(64), shardHandle: "h1", heartbeatMs: 1000, shardBaseUrl: "/shards", iceServers: [{ urls: "turn:127.0.0.1:3478", username: "1:p1", credential: "c" }] },
  { type: "job", jobId: "j", spec: { script: "function map() end" } },
  { type: "assign", assignments: [{ taskId: "j/map/0", attempt: 1, jobId: "j", leaseDeadline: 5, shard: HASH, task: { kind: "map", slice: { key: "k", haloStart: 0, start: 0, end: 9 }, points: [{ index: 0, p: { fast: 5 } }] } }] },
  { type: "assign", assignments: [{ taskId: "j/r/0", attempt: 1, jobId: "j", leaseDeadline: 5, task: { kind: "reduce", level: 1, group: 0, values: [[1], { a: 2 }] } }] },
  { type: "cancel", taskIds: ["t1"] },
  { type: "shard-holders", shard: HASH, handles: ["h2"] },
  { type: "refused", reason: "no" },
  { type: "error", message: "bad" },
];
/** Valid worker ↔ worker frames. */
export const PEER_FRAMES = [
  { type: "shard-request", shard: HASH },
  { type: "shard-chunk", shard: HASH, index: 0, count: 1, bytes: 3, data: "AAAA" },
  { type: "shard-missing", shard: HASH },
];

type Path = Array<string | number>;

/** Every path to a value inside `value` down to 8 levels (a buried value is one place), the root included. */
function paths(value: unknown, at: Path = []): Path[] {
  const found = [at];
  if (at.length >= 8) return found;
  if (Array.isArray(value)) value.forEach((item, i) => found.push(...paths(item, [...at, i])));
  else if (typeof value === "object" && value !== null) for (const [key, item] of Object.entries(value)) found.push(...paths(item, [...at, key]));
  return found;
}

type Mutation = { kind: "set"; value: unknown } | { kind: "drop" } | { kind: "add"; key: string; value: unknown } | { kind: "bury"; levels: number };

const odd = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 1.5, 2 ** 60, Number.MAX_SAFE_INTEGER + 2, "", "x".repeat(300), "a".repeat(65), "map", "reduce", "outcomes", "hello", PROTOCOL_VERSION + 1),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  odd.map((value) => ({ kind: "set" as const, value })),
  fc.constant({ kind: "drop" as const }),
  fc.record({ kind: fc.constant("add" as const), key: fc.string({ maxLength: 8 }), value: odd }),
  // Far past the 80-level frame limit, yet three burials stacked (2,400 levels) stay within what
  // JSON.stringify can write on a worker thread's stack: deeper, the test itself overflowed.
  fc.integer({ min: 1, max: 800 }).map((levels) => ({ kind: "bury" as const, levels })),
);

/** A valid frame with one to three mutations (a value swapped, a key dropped or added, a value buried up to 800 levels deep), each at a random place. */
export function mutated(frames: readonly object[]): fc.Arbitrary<unknown> {
  return fc.tuple(fc.constantFrom(...frames), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 })).map(([frame, changes]) => {
    let value: unknown = structuredClone(frame);
    for (const [pick, change] of changes) value = apply(value, paths(value), pick, change);
    return value;
  });
}

function apply(root: unknown, all: Path[], pick: number, change: Mutation): unknown {
  const path = all[pick % all.length] as Path;
  const replace = (old: unknown): unknown => {
    if (change.kind === "set") return change.value;
    if (change.kind === "bury") return JSON.parse("[".repeat(change.levels) + JSON.stringify(old ?? null) + "]".repeat(change.levels)) as unknown;
    if (change.kind === "add" && typeof old === "object" && old !== null && !Array.isArray(old)) return { ...old, [change.key]: change.value };
    return old;
  };
  if (path.length === 0) return change.kind === "drop" ? undefined : replace(root);
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root) as Record<string | number, unknown>;
  const key = path.at(-1) as string | number;
  if (change.kind === "drop") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = replace(parent[key]);
  return root;
}

/** Text that is mostly not a message: any string, any JSON, deep nesting, unclosed brackets. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 100_000 }).map((n) => `{"type":"heartbeat","x":${"[".repeat(n)}${"]".repeat(n)}}`),
  fc.integer({ min: 1, max: 100_000 }).map((n) => "[".repeat(n)),
);

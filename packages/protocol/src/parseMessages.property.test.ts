import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exceedsDepth } from "./exceedsDepth.ts";
import { isAssignMessage, isOutcomesMessage } from "./fastMessages.ts";
import { PROTOCOL_VERSION } from "./messages.ts";
import { coordinatorToWorker, MESSAGE_LIMITS, parseCoordinatorMessage, parsePeerMessage, parseWorkerMessage, workerToCoordinator } from "./parseMessages.ts";
import { ProtocolError } from "./ProtocolError.ts";

/*
 * Property tests of the three parsers: random text, random JSON and valid frames mutated at a
 * random place (a value swapped, a key dropped or added, a value buried deep) are either
 * accepted within every limit or refused with a ProtocolError — never any other exception.
 */

const HASH = "ab".repeat(32);
const result = { type: "task-result", taskId: "j/map/0", attempt: 1, result: { outputs: [{ a: 1 }, null] }, log: ["hi"], instructions: 10, elapsedMs: 2 };
const failed = { type: "task-failed", taskId: "t", attempt: 1, error: { kind: "runtime", message: "job.lua:3: boom", line: 3, traceback: "stack" } };
const WORKER = [
  { type: "hello", protocol: PROTOCOL_VERSION, peerId: "p1", secret: "a".repeat(64), threads: 2, engines: ["fengari"], shards: [HASH] },
  { type: "request-work", freeSlots: 3 },
  { type: "heartbeat" },
  result,
  { ...result, result: { output: [1, "x", { b: [true] }] } },
  failed,
  { type: "outcomes", outcomes: [result, failed] },
  { type: "shards-held", shards: [HASH] },
];
const COORDINATOR = [
  { type: "welcome", protocol: PROTOCOL_VERSION, peerId: "p1", secret: "s".repeat(64), shardHandle: "h1", heartbeatMs: 1000, shardBaseUrl: "/shards" },
  { type: "job", jobId: "j", spec: { script: "function map() end" } },
  { type: "assign", assignments: [{ taskId: "j/map/0", attempt: 1, jobId: "j", leaseDeadline: 5, shard: HASH, task: { kind: "map", slice: { key: "k", haloStart: 0, start: 0, end: 9 }, points: [{ index: 0, p: { fast: 5 } }] } }] },
  { type: "assign", assignments: [{ taskId: "j/r/0", attempt: 1, jobId: "j", leaseDeadline: 5, task: { kind: "reduce", level: 1, group: 0, values: [[1], { a: 2 }] } }] },
  { type: "cancel", taskIds: ["t1"] },
  { type: "shard-holders", shard: HASH, handles: ["h2"] },
  { type: "refused", reason: "no" },
  { type: "error", message: "bad" },
];
const PEER = [
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
  fc.integer({ min: 1, max: 1_500 }).map((levels) => ({ kind: "bury" as const, levels })),
);

/** A valid frame with one to three mutations, each at a random place. */
function mutated(frames: readonly object[]): fc.Arbitrary<unknown> {
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

const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 100_000 }).map((n) => `{"type":"heartbeat","x":${"[".repeat(n)}${"]".repeat(n)}}`),
  fc.integer({ min: 1, max: 100_000 }).map((n) => "[".repeat(n)),
);

const parsers = [
  ["parseWorkerMessage", parseWorkerMessage, WORKER],
  ["parseCoordinatorMessage", parseCoordinatorMessage, COORDINATOR],
  ["parsePeerMessage", parsePeerMessage, PEER],
] as const;

/** Parses `raw`; true if accepted, false if refused with a ProtocolError, and throws anything else. */
function accepted(parse: (raw: unknown) => unknown, raw: string): boolean {
  try {
    const message = parse(raw);
    expect(exceedsDepth(message, MESSAGE_LIMITS.depth)).toBe(false);
    expect(raw.length).toBeLessThanOrEqual(MESSAGE_LIMITS.messageBytes);
    return true;
  } catch (error) {
    if (error instanceof ProtocolError) return false;
    throw error;
  }
}

describe.each(parsers)("%s on hostile input", (_name, parse, frames) => {
  it("accepts the valid frames the mutations start from", () => {
    for (const frame of frames) expect(accepted(parse, JSON.stringify(frame))).toBe(true);
  });

  it("refuses random text with a ProtocolError or accepts it within the limits", () => {
    fc.assert(fc.property(text, (raw) => void accepted(parse, raw)), { numRuns: 300 });
  });

  it("refuses mutated frames with a ProtocolError or accepts them within the limits", () => {
    fc.assert(
      fc.property(mutated(frames), (value) => {
        const raw = JSON.stringify(value) ?? "undefined";
        if (accepted(parse, raw) && typeof value === "object" && value !== null && "type" in value) {
          expect(frames.map((f) => f.type)).toContain(value.type);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("fast paths on mutated frames", () => {
  const tooDeep = (value: unknown) => exceedsDepth(value, MESSAGE_LIMITS.depth);

  it("isOutcomesMessage accepts only what the worker schema accepts", () => {
    fc.assert(
      fc.property(mutated(WORKER), (value) => {
        if (typeof value !== "object" || value === null || Array.isArray(value) || tooDeep(value)) return;
        if (isOutcomesMessage(value as Record<string, unknown>, MESSAGE_LIMITS)) expect(workerToCoordinator.safeParse(value).success).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it("isAssignMessage accepts only what the coordinator schema accepts", () => {
    fc.assert(
      fc.property(mutated(COORDINATOR), (value) => {
        if (typeof value !== "object" || value === null || Array.isArray(value) || tooDeep(value)) return;
        if (isAssignMessage(value as Record<string, unknown>, MESSAGE_LIMITS)) expect(coordinatorToWorker.safeParse(value).success).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});

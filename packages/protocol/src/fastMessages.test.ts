import { describe, expect, it } from "vitest";
import { isAssignMessage, isOutcomesMessage } from "./fastMessages.ts";
import { coordinatorToWorker, MESSAGE_LIMITS, parseCoordinatorMessage, parseWorkerMessage, workerToCoordinator } from "./parseMessages.ts";

type Obj = Record<string, unknown>;

const result = (over: Obj = {}): Obj => ({
  type: "task-result",
  taskId: "job-1:m3",
  attempt: 2,
  result: { outputs: [1, { a: [true, null, "x"] }] },
  log: ["hello"],
  instructions: 120,
  elapsedMs: 0.25,
  ...over,
});
const failed = (over: Obj = {}): Obj => ({
  type: "task-failed",
  taskId: "job-1:m4",
  attempt: 1,
  error: { kind: "runtime", message: "job.lua:3: boom", line: 3, traceback: "stack traceback:" },
  ...over,
});
const VALID: Obj[] = [
  result(),
  result({ result: { output: null } }),
  result({ result: { output: { nested: [1, 2] } }, log: [] }),
  failed(),
  failed({ error: { kind: "deadline", message: "too slow" } }),
  failed({ log: ["printed before the error"] }),
  { type: "outcomes", outcomes: [result(), failed()] },
  { type: "outcomes", outcomes: [result({ result: { outputs: [] } })] },
];

const ODD_VALUES: unknown[] = [undefined, null, "", "x", -1, 0, 1.5, 2 ** 60, true, [], {}, "x".repeat(257), [1], { outputs: [] }, "a".repeat(64), "map", "reduce"];

/** Every message reachable from `base` by changing, removing or adding one field at any depth. */
function* mutations(base: unknown, depth = 0): Generator<unknown> {
  if (typeof base !== "object" || base === null || depth > 4) return;
  const copy = () => structuredClone(base) as Obj & unknown[];
  for (const key of Object.keys(base)) {
    for (const odd of ODD_VALUES) {
      const c = copy();
      if (odd === undefined) delete c[key as never];
      else c[key as never] = odd as never;
      yield c;
    }
    for (const inner of mutations((base as Obj)[key], depth + 1)) {
      const c = copy();
      c[key as never] = inner as never;
      yield c;
    }
  }
  if (!Array.isArray(base)) {
    const c = copy();
    c["unknown"] = 1;
    yield c;
  }
}

const zodAccepts = (value: unknown) => workerToCoordinator.safeParse(value).success;

/** Applies `fast` to every one-field mutation of every valid message; fails on any it accepts that the schema rejects. */
function expectParity(valid: Obj[], fast: (value: Obj) => boolean, schemaAccepts: (value: unknown) => boolean): void {
  let checked = 0;
  let rejected = 0;
  for (const base of valid) {
    for (const mutated of mutations(base)) {
      const roundTripped = JSON.parse(JSON.stringify(mutated)) as Obj;
      const accepted = fast(roundTripped);
      if (accepted && !schemaAccepts(roundTripped)) throw new Error(`fast check accepted what the schema rejects: ${JSON.stringify(roundTripped)}`);
      checked++;
      if (!accepted) rejected++;
    }
  }
  expect(checked).toBeGreaterThan(500);
  expect(rejected).toBeGreaterThan(checked / 3);
}

const many = (n: number, item: unknown) => Array.from({ length: n }, () => item);

/** Both the fast check and the schema accept every valid message (as it arrives: through JSON). */
function expectAccepted(valid: Obj[], fast: (value: Obj) => boolean, schemaAccepts: (value: unknown) => boolean): void {
  for (const message of valid.map((m) => JSON.parse(JSON.stringify(m)) as Obj)) {
    expect(schemaAccepts(message)).toBe(true);
    expect(fast(message)).toBe(true);
  }
}

/** The fast check turns each case down, and the schema then names the message type in its error. */
function expectTurnedDown(cases: Obj[], fast: (value: Obj) => boolean, parse: (text: string) => unknown, error: RegExp): void {
  for (const message of cases) {
    expect(fast(message)).toBe(false);
    expect(() => parse(JSON.stringify(message))).toThrow(error);
  }
}

describe("the fast outcomes check", () => {
  it("accepts the valid messages the schema accepts", () => {
    expectAccepted(VALID, (m) => isOutcomesMessage(m, MESSAGE_LIMITS), zodAccepts);
  });

  it("never accepts a message the schema turns down (one-field mutations of valid messages)", () => {
    expectParity(VALID, (m) => isOutcomesMessage(m, MESSAGE_LIMITS), zodAccepts);
  });

  it("keeps the limits: too many outcomes, log lines or outputs, and an empty batch", () => {
    const cases: Obj[] = [
      { type: "outcomes", outcomes: [] },
      { type: "outcomes", outcomes: many(MESSAGE_LIMITS.outcomes + 1, result()) },
      result({ log: many(MESSAGE_LIMITS.logLines + 1, "x") }),
      result({ log: ["x".repeat(MESSAGE_LIMITS.logLineBytes + 1)] }),
      result({ result: { outputs: many(1001, 1) } }),
      failed({ error: { kind: "runtime", message: "x".repeat(16 * 1024 + 1) } }),
    ];
    expectTurnedDown(cases, (m) => isOutcomesMessage(m, MESSAGE_LIMITS), parseWorkerMessage, /bad (outcomes|task-result|task-failed) message/);
  });

  it("still lets the schema explain what is wrong", () => {
    expect(() => parseWorkerMessage(JSON.stringify(result({ attempt: -1 })))).toThrow(/at attempt/);
    expect(() => parseWorkerMessage(JSON.stringify({ type: "outcomes", outcomes: [result({ extra: 1 })] }))).toThrow(/outcomes\.0/);
  });
});

const assignment = (over: Obj = {}): Obj => ({
  taskId: "job-1:m3",
  attempt: 1,
  jobId: "job-1",
  leaseDeadline: 1_700_000_000_000.5,
  task: { kind: "map", slice: { key: "AAA", haloStart: 0, start: 10, end: 20 }, points: [{ index: 4, p: { fast: 5, name: "x", on: true } }] },
  shard: "0".repeat(64),
  ...over,
});
const VALID_ASSIGN: Obj[] = [
  { type: "assign", assignments: [assignment()] },
  { type: "assign", assignments: [] },
  { type: "assign", assignments: [assignment({ shard: undefined }), assignment({ task: { kind: "reduce", level: 1, group: 0, values: [1, [2], { a: null }] } })] },
];

describe("the fast assign check", () => {
  const schemaAccepts = (value: unknown) => coordinatorToWorker.safeParse(value).success;

  it("accepts the valid messages the schema accepts", () => {
    expectAccepted(VALID_ASSIGN, (m) => isAssignMessage(m, MESSAGE_LIMITS), schemaAccepts);
  });

  it("never accepts a message the schema turns down (one-field mutations of valid messages)", () => {
    expectParity(VALID_ASSIGN, (m) => isAssignMessage(m, MESSAGE_LIMITS), schemaAccepts);
  });

  it("keeps the limits: assignments per message, points per task, reduce fan-in, a bad shard hash", () => {
    const point = { index: 0, p: { a: 1 } };
    const cases: Obj[] = [
      { type: "assign", assignments: many(MESSAGE_LIMITS.assignments + 1, assignment()) },
      { type: "assign", assignments: [assignment({ task: { kind: "map", slice: { key: "A", haloStart: 0, start: 0, end: 1 }, points: many(1001, point) } })] },
      { type: "assign", assignments: [assignment({ task: { kind: "reduce", level: 0, group: 0, values: many(1001, 1) } })] },
      { type: "assign", assignments: [assignment({ shard: "A".repeat(64) })] },
    ];
    expectTurnedDown(cases, (m) => isAssignMessage(m, MESSAGE_LIMITS), parseCoordinatorMessage, /bad assign message/);
  });
});

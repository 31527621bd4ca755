import { z } from "zod";
import { FAILURE_KINDS } from "./failureKinds.ts";
import { isAssignMessage, isOutcomesMessage } from "./fastMessages.ts";
import { donorHelloSchema } from "./credit/DonorHello.ts";
import { iceServerListSchema } from "./iceServers.ts";
import { jobSpecSchema } from "./jobSpec.ts";
import { LIMITS } from "./limits.ts";
import type { ShardHash } from "./ids.ts";
import type { Json } from "./json.ts";
import type { CoordinatorToWorker, PeerToPeer, WorkerToCoordinator } from "./messages.ts";
import { VOLUNTEER_RUNTIMES } from "./messages.ts";
import { exceedsDepth } from "./exceedsDepth.ts";
import { ProtocolError } from "./ProtocolError.ts";
import { schemaFor } from "./schemaFor.ts";

/** Size limits of protocol messages, checked before and after parsing. */
export const MESSAGE_LIMITS = {
  /** Any message, as text. Task results and reduce assignments carry outputs, so this is generous. */
  messageBytes: 64 * 1024 * 1024,
  /** Messages that carry no task data (hello, heartbeat, request-work, ...). */
  controlBytes: 1024 * 1024,
  /** Shard hashes in one hello or shards-held. */
  shards: 100_000,
  /** Log lines in one task result. */
  logLines: 1001,
  /** Bytes of one log line. */
  logLineBytes: 64 * 1024,
  /** Raw bytes in one shard chunk (before base64). */
  chunkBytes: 64 * 1024,
  /** Assignments in one assign message. */
  assignments: 256,
  /** Task outcomes in one outcomes message. */
  outcomes: 256,
  /** Slots or threads one peer may claim. */
  slots: 256,
  /** Attempts a reconnecting hello says it still holds: every slot's lease plus a full outcomes batch per slot awaiting resend. */
  running: 2048,
  /** Nesting of any message: a Lua value's 64 levels (the engines' limit) with room for the message around it. */
  depth: 80,
  /**
   * Nesting of one reported output: the Lua engines' own limit, so every stored result fits,
   * with the message around it, in the reduce assignment that hands it on.
   */
  valueDepth: 64,
  /** Characters of a session secret or shard handle. */
  secretChars: 64,
} as const;

const CARRIES_DATA = new Set(["task-result", "outcomes", "assign", "shard-chunk", "job"]);

const json: z.ZodType<Json> = z.json();
const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "expected a sha256 hex digest")
  .transform((hash) => hash as ShardHash);
const id = z.string().min(1).max(200);
const count = z.number().int().min(0);
const shardList = z.array(sha256).max(MESSAGE_LIMITS.shards);
const token = z.string().regex(/^[A-Za-z0-9_-]+$/, "expected letters, digits, _ or -").max(MESSAGE_LIMITS.secretChars);

const failure = z.strictObject({
  kind: z.enum(FAILURE_KINDS),
  message: z.string().max(16 * 1024),
  line: count.optional(),
  traceback: z.string().max(64 * 1024).optional(),
});

const logLines = z.array(z.string().max(MESSAGE_LIMITS.logLineBytes)).max(MESSAGE_LIMITS.logLines);

const taskResult = z.strictObject({
  type: z.literal("task-result"),
  taskId: id,
  attempt: count,
  result: z.union([
    z.strictObject({ outputs: z.array(json).max(LIMITS.batchSize) }),
    z.strictObject({ output: json }),
  ]),
  log: logLines,
  instructions: z.number().min(0),
  elapsedMs: z.number().min(0),
});
const taskFailed = z.strictObject({ type: z.literal("task-failed"), taskId: id, attempt: count, error: failure, log: logLines.optional() });

/** The schema of worker messages; exported for the fast-path parity test. */
export const workerToCoordinator = schemaFor<WorkerToCoordinator>()(
  z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("hello"),
      protocol: z.number().int(),
      peerId: id.optional(),
      secret: token.optional(),
      threads: z.number().int().min(1).max(MESSAGE_LIMITS.slots),
      engines: z.array(z.string().max(32)).max(8),
      runtime: z.enum(VOLUNTEER_RUNTIMES).optional(),
      shards: shardList,
      donor: donorHelloSchema.optional(),
      running: z.array(z.strictObject({ taskId: id, attempt: count })).max(MESSAGE_LIMITS.running).optional(),
    }),
    z.strictObject({ type: z.literal("request-work"), freeSlots: z.number().int().min(0).max(MESSAGE_LIMITS.slots) }),
    z.strictObject({ type: z.literal("heartbeat") }),
    taskResult,
    taskFailed,
    z.strictObject({ type: z.literal("outcomes"), outcomes: z.array(z.discriminatedUnion("type", [taskResult, taskFailed])).min(1).max(MESSAGE_LIMITS.outcomes) }),
    z.strictObject({ type: z.literal("shards-held"), shards: shardList }),
    z.strictObject({ type: z.literal("connectivity"), reach: z.enum(["direct", "relay-only", "websocket-only"]) }),
  ]),
);

const sliceRef = z.strictObject({ key: z.string().max(256), haloStart: count, start: count, end: count });
const taskSpec = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("map"),
    slice: sliceRef,
    points: z.array(z.strictObject({ index: count, p: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])) })).max(LIMITS.batchSize),
  }),
  z.strictObject({ kind: z.literal("reduce"), level: count, group: count, values: z.array(json).max(LIMITS.reduceFanIn) }),
]);

/** The schema of coordinator messages; exported for the fast-path parity test. */
export const coordinatorToWorker = schemaFor<CoordinatorToWorker>()(
  z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("welcome"),
      protocol: z.number().int(),
      peerId: id,
      secret: token,
      shardHandle: token,
      heartbeatMs: z.number().int().min(100).max(600_000),
      shardBaseUrl: z.string().max(2048),
      iceServers: iceServerListSchema.optional(),
    }),
    z.strictObject({ type: z.literal("ice-servers"), iceServers: iceServerListSchema }),
    z.strictObject({ type: z.literal("job"), jobId: id, spec: jobSpecSchema }),
    z.strictObject({
      type: z.literal("assign"),
      assignments: z
        .array(
          z.strictObject({ taskId: id, attempt: count, jobId: id, leaseDeadline: z.number(), task: taskSpec, shard: sha256.optional() }),
        )
        .max(MESSAGE_LIMITS.assignments),
    }),
    z.strictObject({ type: z.literal("cancel"), taskIds: z.array(id).max(10_000) }),
    z.strictObject({ type: z.literal("shard-holders"), shard: sha256, handles: z.array(token).max(64) }),
    z.strictObject({ type: z.literal("refused"), reason: z.string().max(1024) }),
    z.strictObject({ type: z.literal("error"), message: z.string().max(4096) }),
  ]),
);

const peerToPeer = schemaFor<PeerToPeer>()(
  z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("shard-request"), shard: sha256 }),
    z.strictObject({
      type: z.literal("shard-chunk"),
      shard: sha256,
      index: count,
      count: z.number().int().min(1).max(1 << 16),
      bytes: count,
      data: z.string().max(Math.ceil(MESSAGE_LIMITS.chunkBytes / 3) * 4),
    }),
    z.strictObject({ type: z.literal("shard-missing"), shard: sha256 }),
  ]),
);

/** Parses a message a worker sent to the coordinator; throws ProtocolError on anything malformed, oversized or unknown. */
export function parseWorkerMessage(raw: unknown): WorkerToCoordinator {
  const message = parse(raw, workerToCoordinator, "worker", isOutcomesMessage);
  for (const outcome of message.type === "outcomes" ? message.outcomes : [message]) {
    if (outcome.type !== "task-result") continue;
    const values = "outputs" in outcome.result ? outcome.result.outputs : [outcome.result.output];
    if (values.some((value) => exceedsDepth(value, MESSAGE_LIMITS.valueDepth))) {
      throw new ProtocolError(`task-result from worker has an output nested deeper than ${MESSAGE_LIMITS.valueDepth} levels`);
    }
  }
  return message;
}

/** Parses a message the coordinator sent to a worker; a worker trusts the coordinator no more than anyone else. */
export function parseCoordinatorMessage(raw: unknown): CoordinatorToWorker {
  return parse(raw, coordinatorToWorker, "coordinator", isAssignMessage);
}

/** Parses a message from another worker (shard exchange). */
export function parsePeerMessage(raw: unknown): PeerToPeer {
  return parse(raw, peerToPeer, "peer");
}

/** Serialises an outgoing message; the counterpart of the parse functions. */
export function encodeMessage(message: WorkerToCoordinator | CoordinatorToWorker | PeerToPeer): string {
  return JSON.stringify(message);
}

/** A check that accepts a subset of what the schema accepts, faster; whatever it turns down goes to the schema. */
type FastPath = (value: Record<string, unknown>, limits: typeof MESSAGE_LIMITS) => boolean;

function parse<S extends z.ZodType>(raw: unknown, schema: S, from: string, fast?: FastPath): z.output<S> {
  if (typeof raw !== "string") throw new ProtocolError(`message from ${from} is not text`);
  if (raw.length > MESSAGE_LIMITS.messageBytes) throw new ProtocolError(`message from ${from} is larger than ${MESSAGE_LIMITS.messageBytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ProtocolError(`message from ${from} is not JSON`);
  }
  const type = typeof value === "object" && value !== null && "type" in value ? (value as { type: unknown }).type : undefined;
  if (typeof type !== "string") throw new ProtocolError(`message from ${from} has no type`);
  if (!CARRIES_DATA.has(type) && raw.length > MESSAGE_LIMITS.controlBytes) {
    throw new ProtocolError(`${type.slice(0, 40)} message from ${from} is larger than ${MESSAGE_LIMITS.controlBytes} bytes`);
  }
  if (exceedsDepth(value, MESSAGE_LIMITS.depth)) throw new ProtocolError(`message from ${from} is nested deeper than ${MESSAGE_LIMITS.depth} levels`);
  // The fast paths accept only what the schema accepts, and the schema's transforms only retype.
  if (fast?.(value as Record<string, unknown>, MESSAGE_LIMITS)) return value as z.output<S>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new ProtocolError(`bad ${type.slice(0, 40)} message from ${from}${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

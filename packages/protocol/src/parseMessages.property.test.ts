import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exceedsDepth } from "./exceedsDepth.ts";
import { isAssignMessage, isOutcomesMessage } from "./fastMessages.ts";
import { coordinatorToWorker, MESSAGE_LIMITS, parseCoordinatorMessage, parsePeerMessage, parseWorkerMessage, workerToCoordinator } from "./parseMessages.ts";
import { ProtocolError } from "./ProtocolError.ts";
import { COORDINATOR_FRAMES, hostileText, mutated, PEER_FRAMES, WORKER_FRAMES } from "./testing/hostileFrames.ts";

/*
 * Property tests of the three parsers: random text, random JSON and valid frames mutated at a
 * random place (a value swapped, a key dropped or added, a value buried deep) are either
 * accepted within every limit or refused with a ProtocolError — never any other exception.
 */

const parsers = [
  ["parseWorkerMessage", parseWorkerMessage, WORKER_FRAMES],
  ["parseCoordinatorMessage", parseCoordinatorMessage, COORDINATOR_FRAMES],
  ["parsePeerMessage", parsePeerMessage, PEER_FRAMES],
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

/** The outputs a worker message reports, for the checks above. */
function outputsOf(message: object): unknown[] {
  const outcomes = "outcomes" in message && Array.isArray(message.outcomes) ? (message.outcomes as object[]) : [message];
  return outcomes.flatMap((o) => {
    const result = "result" in o ? (o.result as Record<string, unknown>) : undefined;
    if (!result) return [];
    return "outputs" in result ? (result["outputs"] as unknown[]) : [result["output"]];
  });
}

describe.each(parsers)("%s on hostile input", (_name, parse, frames) => {
  it("accepts the valid frames the mutations start from", () => {
    for (const frame of frames) expect(accepted(parse, JSON.stringify(frame))).toBe(true);
  });

  it("refuses random text with a ProtocolError or accepts it within the limits", () => {
    fc.assert(fc.property(hostileText, (raw) => void accepted(parse, raw)), { numRuns: 300 });
  });

  it("refuses mutated frames with a ProtocolError or accepts them within the limits", () => {
    fc.assert(
      fc.property(mutated(frames), (value) => {
        const raw = JSON.stringify(value) ?? "undefined";
        if (accepted(parse, raw) && typeof value === "object" && value !== null && "type" in value) {
          expect(frames.map((f) => f.type)).toContain(value.type);
          if (parse === parseWorkerMessage) for (const output of outputsOf(value)) expect(exceedsDepth(output, MESSAGE_LIMITS.valueDepth)).toBe(false);
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
      fc.property(mutated(WORKER_FRAMES), (value) => {
        if (typeof value !== "object" || value === null || Array.isArray(value) || tooDeep(value)) return;
        if (isOutcomesMessage(value as Record<string, unknown>, MESSAGE_LIMITS)) expect(workerToCoordinator.safeParse(value).success).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it("isAssignMessage accepts only what the coordinator schema accepts", () => {
    fc.assert(
      fc.property(mutated(COORDINATOR_FRAMES), (value) => {
        if (typeof value !== "object" || value === null || Array.isArray(value) || tooDeep(value)) return;
        if (isAssignMessage(value as Record<string, unknown>, MESSAGE_LIMITS)) expect(coordinatorToWorker.safeParse(value).success).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});

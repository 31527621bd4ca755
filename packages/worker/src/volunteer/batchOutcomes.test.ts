import { describe, expect, it } from "vitest";
import { MESSAGE_LIMITS, parseWorkerMessage } from "@shoal/protocol";
import type { Outcome } from "./batchOutcomes.ts";
import { batchOutcomes } from "./batchOutcomes.ts";

const result = (i: number, pad = 0): Outcome => ({ type: "task-result", taskId: `t${i}`, attempt: 1, result: { outputs: ["x".repeat(pad)] }, log: [], instructions: 0, elapsedMs: 0 });

describe("batchOutcomes", () => {
  it("sends one outcome as itself and several as one outcomes message the coordinator parses", () => {
    expect(batchOutcomes([result(1)]).map((b) => parseWorkerMessage(b.text))).toEqual([result(1)]);
    const [batch, ...rest] = batchOutcomes([result(1), result(2)]);
    expect(rest).toEqual([]);
    expect(parseWorkerMessage(batch!.text)).toEqual({ type: "outcomes", outcomes: [result(1), result(2)] });
  });

  it("keeps order and splits by count and by size, a large outcome going alone", () => {
    const many = Array.from({ length: MESSAGE_LIMITS.outcomes + 1 }, (_, i) => result(i));
    expect(batchOutcomes(many).map((b) => b.outcomes.length)).toEqual([MESSAGE_LIMITS.outcomes, 1]);
    const mixed = [result(1), result(2, 500), result(3)];
    const batches = batchOutcomes(mixed, 400);
    expect(batches.map((b) => b.outcomes.map((o) => o.taskId))).toEqual([["t1"], ["t2"], ["t3"]]);
    expect(batches.flatMap((b) => b.outcomes)).toEqual(mixed);
  });
});

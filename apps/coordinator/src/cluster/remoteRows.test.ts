import { describe, expect, it } from "vitest";
import type { JobId } from "@shoal/protocol";
import type { ClaimedRowSql, RemoteResultRowSql } from "../store/postgres/TaskOffers.ts";
import { checkClaimedRow, checkResultRow } from "./remoteRows.ts";

const JOB = "j_1" as JobId;
const TASK = `${JOB}/map/0`;
const held = new Map([[JOB, 3]]);
const outcome = (over: Record<string, unknown> = {}) => JSON.stringify({ type: "task-result", taskId: TASK, attempt: 2, result: { outputs: [1] }, log: [], instructions: 1, elapsedMs: 1, ...over });
const row = (over: Partial<RemoteResultRowSql> = {}): RemoteResultRowSql => ({
  job_id: JOB,
  task_id: TASK,
  attempt: 2,
  epoch: 3,
  node: "n_b",
  volunteer: "p_1",
  outcome: outcome(),
  offer_owner: "n_a",
  offer_epoch: 3,
  offer_claimant: "n_b",
  ...over,
});

describe("a remote result row, as its owner checks it", () => {
  it("is believed when everything matches: the worker's own message for that attempt", () => {
    expect(checkResultRow(row(), "n_a", held)).toMatchObject({ jobId: JOB, taskId: TASK, attempt: 2, node: "n_b", message: { type: "task-result", result: { outputs: [1] } } });
  });

  it("is refused for anything forged or out of place, with the reason", () => {
    const cases: Array<[Partial<RemoteResultRowSql>, RegExp]> = [
      [{ job_id: "j_other" }, /does not hold/],
      [{ job_id: "bad id!" }, /malformed job id/],
      [{ epoch: 2 }, /written under epoch 2, but this coordinator holds the job at epoch 3/],
      [{ epoch: "3" }, /written under epoch 3/],
      [{ offer_owner: null, offer_epoch: null, offer_claimant: null }, /no offer of that attempt is open/],
      [{ offer_owner: "n_c" }, /not this coordinator's/],
      [{ offer_epoch: 2 }, /not this coordinator's/],
      [{ offer_claimant: "n_c" }, /does not hold the offer's claim/],
      [{ attempt: 0 }, /malformed attempt/],
      [{ attempt: 2.5 }, /malformed attempt/],
      [{ node: "x".repeat(65) }, /malformed node/],
      [{ volunteer: "" }, /malformed volunteer/],
      [{ outcome: 7 }, /not text/],
      [{ outcome: "{" }, /malformed/],
      [{ outcome: outcome({ attempt: 1 }) }, /another attempt/],
      [{ outcome: JSON.stringify({ type: "heartbeat" }) }, /heartbeat message/],
      [{ outcome: outcome({ result: { outputs: "x" } }) }, /malformed/],
    ];
    for (const [over, why] of cases) expect(checkResultRow(row(over), "n_a", held)).toMatch(why);
  });

  it("is refused when its outcome is longer than a volunteer's message may be", () => {
    const long = outcome({ log: ["x".repeat(200)] });
    expect(checkResultRow(row({ outcome: long }), "n_a", held, long.length)).toMatchObject({ taskId: TASK });
    expect(checkResultRow(row({ outcome: long }), "n_a", held, long.length - 1)).toMatch(`longer than ${long.length - 1} characters`);
  });
});

describe("a claimed offer row, as the claimant checks it", () => {
  const assignment = { taskId: TASK, attempt: 2, jobId: JOB, leaseDeadline: 1, task: { kind: "reduce", level: 0, group: 0, values: [1] } };
  const claimed = (over: Partial<ClaimedRowSql> = {}): ClaimedRowSql => ({ job_id: JOB, task_id: TASK, attempt: 2, owner: "n_a", epoch: 3, shard: null, assignment: JSON.stringify(assignment), ...over });

  it("is believed when its assignment is the protocol's and names the offer's attempt", () => {
    expect(checkClaimedRow(claimed())).toMatchObject({ jobId: JOB, owner: "n_a", epoch: 3, assignment: { taskId: TASK, attempt: 2 } });
  });

  it("is refused when malformed, or when its assignment is another attempt's or not an assignment", () => {
    const cases: Array<[Partial<ClaimedRowSql>, RegExp]> = [
      [{ epoch: 0 }, /malformed epoch/],
      [{ owner: 5 }, /malformed owner/],
      [{ assignment: "{}" }, /malformed/],
      [{ assignment: `${JSON.stringify(assignment)}, ${JSON.stringify(assignment)}` }, /malformed|not one/],
      [{ assignment: JSON.stringify({ ...assignment, attempt: 3 }) }, /another attempt/],
      [{ shard: "a".repeat(64) }, /shard/],
      [{ assignment: null }, /not text/],
    ];
    for (const [over, why] of cases) expect(checkClaimedRow(claimed(over))).toMatch(why);
  });
});

import { describe, expect, it } from "vitest";
import { JobScheduler } from "./JobScheduler.ts";
import { execute, job, peerId, reference, runAll, series } from "./test/fixtures.ts";

const A = peerId("A");

describe("partialResult", () => {
  it("gives the map outputs of a job without reduce as they arrive, in plan order, until they equal the final result", () => {
    const s = new JobScheduler();
    s.addPeer(A);
    const sub = job("sweep", [series("x", 10)], { params: { a: [1, 2, 3, 4] }, batchSize: 1 }, { hasReduce: false });
    s.submitJob(sub);
    expect(s.partialResult(sub.id, 100)).toEqual({ partial: true, done: 0, total: 4, values: [] });
    const work = s.requestWork(A, 8, 0).assignments;
    runAll(s, A, [work[2]!, work[0]!], 10);
    const final = reference(sub) as unknown[];
    expect(s.partialResult(sub.id, 100)).toEqual({ partial: true, done: 2, total: 4, values: [final[0], final[2]] });
    runAll(s, A, [work[1]!], 20);
    expect(s.partialResult(sub.id, 100)?.values).toEqual(final.slice(0, 3));
  });

  it("cuts the values at the limit and says so", () => {
    const s = new JobScheduler();
    s.addPeer(A);
    const sub = job("big", [series("x", 10)], { params: { a: [1, 2, 3, 4, 5] }, batchSize: 5 }, { hasReduce: false });
    s.submitJob(sub);
    runAll(s, A, s.requestWork(A, 8, 0).assignments, 10);
    const partial = s.partialResult(sub.id, 2);
    expect(partial).toMatchObject({ done: 1, total: 1, truncated: true });
    expect(partial?.values).toHaveLength(2);
  });

  it("gives a job with a reduce its map outputs so far in plan order, marked before the reduce, since the reduce cannot be applied to a subset here", () => {
    const s = new JobScheduler();
    s.addPeer(A);
    const sub = job("reduced", [series("x", 10)], { params: { a: [1, 2, 3, 4] }, batchSize: 1, reduceFanIn: 2 });
    s.submitJob(sub);
    expect(s.partialResult(sub.id, 100)).toEqual({ partial: true, done: 0, total: 4, beforeReduce: true, values: [] });
    const maps = s.requestWork(A, 8, 0).assignments.filter((a) => a.task.kind === "map");
    expect(maps).toHaveLength(4);
    runAll(s, A, [maps[2]!, maps[0]!], 10);
    const outputs = (i: number) => (execute(maps[i]!.task) as { outputs: unknown[] }).outputs;
    expect(s.partialResult(sub.id, 100)).toEqual({ partial: true, done: 2, total: 4, beforeReduce: true, values: [...outputs(0), ...outputs(2)] });
    expect(s.partialResult(sub.id, 1)).toEqual({ partial: true, done: 2, total: 4, beforeReduce: true, values: outputs(0), truncated: true });
  });

  it("is undefined for a job the scheduler does not hold", () => {
    expect(new JobScheduler().partialResult(job("nope", []).id, 10)).toBeUndefined();
  });
});

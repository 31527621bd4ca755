import { describe, expect, it } from "vitest";
import { JobScheduler } from "./JobScheduler.ts";
import { execute, job, peerId, reference, runAll, series } from "./test/fixtures.ts";

const F = peerId("fengari-only");
const W = peerId("both");
const restore = (s: JobScheduler) => JobScheduler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));

const wasmoonJob = (name: string) => ({ ...job(name, [series("x", 20)], { split: { kind: "rows", rows: 5 } }), engine: "wasmoon" });
const fengariJob = (name: string) => ({ ...job(name, [series("y", 20)], { split: { kind: "rows", rows: 5 } }), engine: "fengari" });

describe("JobScheduler: engines", () => {
  it("gives a job's tasks only to peers that advertise its engine, and other jobs to the rest", () => {
    const s = new JobScheduler();
    s.addPeer(F, 4, ["fengari"]);
    s.addPeer(W, 4, ["fengari", "wasmoon"]);
    const wasm = wasmoonJob("w");
    s.submitJob(wasm);
    s.submitJob(fengariJob("f"));
    const toF = s.requestWork(F, 4, 0).assignments;
    expect(toF.length).toBeGreaterThan(0);
    expect(toF.every((a) => a.jobId === "f")).toBe(true);
    const toW = s.requestWork(W, 4, 0).assignments;
    expect(toW.map((a) => a.jobId)).toContain("w");
  });

  it("keeps a job queued, not failed, while no peer runs its engine, and runs it when one arrives", () => {
    const s = new JobScheduler();
    s.addPeer(F, 2, ["fengari"]);
    const wasm = wasmoonJob("w");
    s.submitJob(wasm);
    for (let now = 0; now < 100_000; now += 10_000) {
      expect(s.requestWork(F, 2, now).assignments).toEqual([]);
      expect(s.tick(now).events).toEqual([]);
    }
    expect(s.jobSnapshot(wasm.id)).toMatchObject({ status: "running", tasks: { queued: 4, running: 0 } });
    s.addPeer(W, 2, ["fengari", "wasmoon"]);
    for (let now = 100_000; s.jobSnapshot(wasm.id)?.status === "running"; now += 10) runAll(s, W, s.requestWork(W, 2, now).assignments, now);
    expect(s.jobSnapshot(wasm.id)).toMatchObject({ status: "done", result: reference(wasm), peers: { both: wasm.graph.tasks.length } });
  });

  it("never duplicates a task as a backup onto a peer without the job's engine", () => {
    const s = new JobScheduler({ backupMinMs: 0, backupFactor: 1 });
    s.addPeer(W, 1, ["wasmoon"]);
    s.addPeer(F, 1, ["fengari"]);
    const wasm = { ...job("w", [series("x", 5)]), engine: "wasmoon" };
    s.submitJob(wasm);
    const [map] = s.requestWork(W, 1, 0).assignments;
    expect(map).toBeDefined();
    expect(s.requestWork(F, 1, 60_000).assignments).toEqual([]);
    s.submitResult(W, map!.taskId, map!.attempt, execute(map!.task), 60_001);
  });

  it("lets peers that name no engines, and jobs that name none, match anything", () => {
    const s = new JobScheduler();
    s.addPeer(F);
    s.submitJob(wasmoonJob("w"));
    expect(s.requestWork(F, 1, 0).assignments.map((a) => a.jobId)).toEqual(["w", "w"]);
    s.addPeer(W, 1, ["wasmoon"]);
    s.submitJob(job("any", [series("z", 5)]));
    expect(s.requestWork(W, 1, 0).assignments.some((a) => a.jobId === "any")).toBe(true);
  });

  it("keeps jobs' engines and peers' engines across a snapshot and restore", () => {
    let s = new JobScheduler();
    s.addPeer(F, 2, ["fengari"]);
    s.submitJob(wasmoonJob("w"));
    s = restore(s);
    expect(s.toJSON().jobs[0]?.engine).toBe("wasmoon");
    expect(s.toJSON().peers[0]?.engines).toEqual(["fengari"]);
    expect(s.requestWork(F, 2, 0).assignments).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeriesView } from "@shoal/client";
import { mapReduceGraph, TaskGraphBuilder } from "@shoal/client";
import type { Json } from "@shoal/protocol";
import { parseJobSpec } from "@shoal/protocol";
import type { JobView } from "../../authors/JobView.ts";
import { readEvents, SMA_SCRIPT, SMA_SPEC, SP500_CSV } from "../../testing/fixtures.ts";
import { ProtocolClient } from "../../testing/ProtocolClient.ts";
import type { ErrorBody, TestCoordinator } from "../../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../../testing/startTestCoordinator.ts";
import { TestWorker } from "../../testing/TestWorker.ts";
import type { DatasetView } from "./datasetRoutes.ts";

/** Counts the rows each slice owns times `p.k`; reduce sums. */
const COUNT_SCRIPT = `function map(s, p) return (#s.time - s.first + 1) * p.k end
function reduce(values) local t = 0 for _, v in ipairs(values) do t = t + v end return t end`;

const post = (c: TestCoordinator, path: string, body: unknown) =>
  c.api(path, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

describe("task graphs over HTTP", () => {
  let c: TestCoordinator;
  let dataset: DatasetView;
  let client: ProtocolClient;
  beforeAll(async () => {
    c = await startTestCoordinator();
    dataset = await json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }));
    client = await ProtocolClient.connect(c.wsUrl);
    const worker = new TestWorker({ send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) }, { threads: 2 });
    await worker.start();
  });
  afterAll(async () => {
    client.close();
    await c.close();
  });

  /** Submits a body, waits for the job to end and returns its view and result. */
  const run = async (path: string, body: unknown): Promise<{ job: JobView; result: Json }> => {
    const created = await post(c, path, body);
    expect(created.status).toBe(201);
    const job = await json<JobView>(created);
    await readEvents(await c.api(`/api/jobs/${job.id}/events`), (e) => e === "done" || e === "failed" || e === "cancelled");
    const done = await json<JobView>(c.api(`/api/jobs/${job.id}`));
    expect(done.status).toBe("done");
    return { job: done, result: await json<Json>(c.api(`/api/jobs/${job.id}/result`)) };
  };
  const series = (): SeriesView[] => dataset.series;
  const key = () => dataset.series[0]!.key;

  it("runs mapReduceGraph to the same result as the equivalent map/reduce job", async () => {
    const reference = await run("/api/jobs", { dataset: dataset.id, spec: SMA_SPEC });
    const graph = mapReduceGraph(series(), parseJobSpec(SMA_SPEC), true);
    const { job, result } = await run("/api/graphs", { dataset: dataset.id, spec: { script: SMA_SCRIPT }, graph });
    expect(job.tasks.total).toBe(reference.job.tasks.total);
    expect(job.spec.hasReduce).toBe(true);
    expect(result).toEqual(reference.result);
  });

  it("runs a two-stage graph: reduces of reduces", async () => {
    const rows = dataset.series[0]!.rows;
    const g = new TaskGraphBuilder();
    const a = g.map({ key: key(), start: 0, end: 100, points: [{ k: 1 }, { k: 2 }] });
    const b = g.map({ key: key(), start: 100, end: rows, halo: 50, points: [{ k: 1 }, { k: 2 }] });
    const ones = g.reduce([a.slice(0, 1), b.slice(0, 1)]);
    const twos = g.reduce([a.slice(1, 2), b.slice(1, 2)]);
    const { result } = await run("/api/graphs", { dataset: dataset.id, spec: { script: COUNT_SCRIPT }, graph: g.build(g.reduce([ones, twos])) });
    expect(result).toBe(3 * rows);
    const list = await run("/api/graphs", { dataset: dataset.id, spec: { script: COUNT_SCRIPT }, graph: g.build([ones, twos, b.slice(1, 2)]) });
    expect(list.result).toEqual([rows, 2 * rows, 2 * (rows - 100)]);
  });

  it.each([
    ["a cycle", { tasks: [reduce("r/0", [["r/1", 0, 1]]), reduce("r/1", [["r/0", 0, 1]])], result: value("r/1") }, /cycle/],
    ["an unknown input", { tasks: [reduce("r/0", [["map/9", 0, 1]])], result: value("r/0") }, /reads unknown task map\/9/],
    ["an input range a task does not have", { tasks: [map("m", 0, 10), reduce("r", [["m", 0, 2]])], result: value("r") }, /reads outputs \[0, 2\) of m, which has 1/],
    ["a duplicate id", { tasks: [map("m", 0, 10), map("m", 0, 10)], result: { inputs: [], shape: "list" } }, /appears twice/],
    ["rows past the series' end", { tasks: [map("m", 0, 1e6)], result: { inputs: [{ task: "m", from: 0, to: 1 }], shape: "list" } }, /rows up to 1000000 .* which has \d+/],
    ["an unknown series", { tasks: [map("m", 0, 10, "NOPE")], result: { inputs: [], shape: "list" } }, /series "NOPE"/],
    ["a slice with start after end", { tasks: [map("m", 10, 5)], result: { inputs: [], shape: "list" } }, /haloStart ≤ start ≤ end/],
    ["a bad work kind", { tasks: [{ id: "x", work: { kind: "sort" }, inputs: [] }], result: { inputs: [], shape: "list" } }, /kind must be/],
    ["an unknown task field", { tasks: [{ ...map("m", 0, 10), shard: "a".repeat(64) }], result: { inputs: [], shape: "list" } }, /unknown field .*shard/],
    ["no tasks", { tasks: [], result: { inputs: [], shape: "list" } }, /non-empty/],
  ])("refuses %s with a 400", async (_name, graph, message) => {
    const response = await post(c, "/api/graphs", { dataset: dataset.id, spec: { script: COUNT_SCRIPT }, graph: withKey(graph, key()) });
    expect(response.status).toBe(400);
    expect((await json<ErrorBody>(response)).error).toMatch(message);
  });

  it("refuses bad scripts and specs, unknown datasets and too many tasks", async () => {
    const graph = { tasks: [map("m", 0, 10, key())], result: { inputs: [{ task: "m", from: 0, to: 1 }], shape: "list" } };
    const syntax = await post(c, "/api/graphs", { dataset: dataset.id, spec: { script: "function map(s, p)\n  return s.\nend" }, graph });
    expect(syntax.status).toBe(400);
    expect(await json<ErrorBody>(syntax)).toMatchObject({ error: expect.stringMatching(/^job\.lua:3: /), line: 3 });
    const noReduce = await post(c, "/api/graphs", { dataset: dataset.id, spec: { script: "function map() return 1 end" }, graph: { tasks: [...graph.tasks, reduce("r", [["m", 0, 1]])], result: value("r") } });
    expect((await json<ErrorBody>(noReduce)).error).toMatch(/no global function reduce/);
    expect((await post(c, "/api/graphs", { dataset: dataset.id, spec: { script: COUNT_SCRIPT, params: { k: [1] } }, graph })).status).toBe(400);
    expect((await post(c, "/api/graphs", { dataset: dataset.id, spec: { script: COUNT_SCRIPT, budget: 1 }, graph })).status).toBe(400);
    expect((await post(c, "/api/graphs", { dataset: "d_nope", spec: { script: COUNT_SCRIPT }, graph })).status).toBe(404);
    expect((await post(c, "/api/graphs", { dataset: dataset.id, spec: { script: COUNT_SCRIPT }, graph, quorum: 2 })).status).toBe(400);
    const many = { tasks: Array.from({ length: 100_001 }, (_, i) => reduce(`r${i}`, [])), result: { inputs: [], shape: "list" } };
    const tooMany = await post(c, "/api/graphs", { dataset: dataset.id, spec: { script: COUNT_SCRIPT }, graph: many });
    expect(tooMany.status).toBe(400);
    expect((await json<ErrorBody>(tooMany)).error).toMatch(/100001 tasks/);
    expect((await c.api("/api/graphs", { method: "POST", body: "{" })).status).toBe(400);
    expect((await c.api("/api/graphs", { method: "POST", body: "{}", headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
  });
});

function map(id: string, start: number, end: number, key = "") {
  return { id, work: { kind: "map", slice: { key, haloStart: start, start, end }, points: [{ index: 0, p: { k: 1 } }] }, inputs: [] };
}

function reduce(id: string, inputs: Array<[string, number, number]>) {
  return { id, work: { kind: "reduce", level: 0, group: 0 }, inputs: inputs.map(([task, from, to]) => ({ task, from, to })) };
}

function value(task: string) {
  return { inputs: [{ task, from: 0, to: 1 }], shape: "value" };
}

/** Gives map tasks without a key the dataset's series key. */
function withKey(graph: { tasks: Array<{ work: object }> }, key: string): unknown {
  return { ...graph, tasks: graph.tasks.map((t) => ("slice" in t.work && (t.work.slice as { key: string }).key === "" ? { ...t, work: { ...t.work, slice: { ...(t.work.slice as object), key } } } : t)) };
}

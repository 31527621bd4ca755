import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobView } from "../../authors/JobView.ts";
import { SP500_CSV } from "../../testing/fixtures.ts";
import type { ErrorBody, TestCoordinator } from "../../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../../testing/startTestCoordinator.ts";
import type { DatasetSummaryView, DatasetView } from "./datasetRoutes.ts";

const post = (c: TestCoordinator, path: string, body: unknown) =>
  c.api(path, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const MAP = "function map(s, p) return #s.time end";
/** sp500 has 5,105 rows: split into 1,000-row slices it gives 6 map tasks. */
const SIX_TASKS = { script: MAP, split: { kind: "rows", rows: 1000 } };

async function refused(response: Response, status: number): Promise<string> {
  expect(response.status).toBe(status);
  return (await json<ErrorBody>(response)).error;
}

describe("authors past the limits, with the default limits", () => {
  let c: TestCoordinator;
  let dataset: string;
  beforeAll(async () => {
    c = await startTestCoordinator();
    dataset = (await json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
  });
  afterAll(() => c.close());

  it("refuses the 1.5-million-task request before planning it, naming the limit and the figure, and stays healthy", async () => {
    const spec = { script: MAP, split: { kind: "rows", rows: 1 }, params: { w: Array.from({ length: 300 }, (_, i) => i) }, batchSize: 1 };
    const error = await refused(await post(c, "/api/jobs", { dataset, spec }), 400);
    expect(error).toBe("this job would plan 1,531,500 tasks (5,105 slices of the data × 300 points); the limit is 100,000 per job");
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    expect(await json<JobView[]>(c.api("/api/jobs"))).toEqual([]);
    expect(await (await fetch(`${c.url}/metrics`)).text()).toContain('shoal_tasks{state="queued"} 0');
  });

  it("refuses a __proto__ parameter instead of reading it as one point", async () => {
    const body = `{"dataset":${JSON.stringify(dataset)},"spec":{"script":${JSON.stringify(MAP)},"params":{"__proto__":[1,2,3]}}}`;
    expect(await refused(await post(c, "/api/jobs", body), 400)).toBe('body has the key "__proto__", which is not allowed in any object');
    const escaped = body.replace("__proto__", "\\u005f_proto__");
    expect(await refused(await post(c, "/api/jobs", escaped), 400)).toBe('body has the key "__proto__", which is not allowed in any object');
    expect(await json<JobView[]>(c.api("/api/jobs"))).toEqual([]);
  });

  it("lists a dataset of thousands of series in a few hundred bytes: counted, not listed", async () => {
    const lines = ["date,symbol,close", ...Array.from({ length: 2_000 }, (_, i) => `2020-01-01,S${i},${i}`)];
    const many = await json<DatasetView>(c.api("/api/datasets?name=many", { method: "POST", body: lines.join("\n") }));
    expect(many.series).toHaveLength(2_000);
    const text = await (await c.api("/api/datasets")).text();
    const listed = JSON.parse(text) as DatasetSummaryView[];
    expect(listed.find((d) => d.id === many.id)?.seriesCount).toBe(2_000);
    expect(text.length).toBeLessThan(1_000);
    expect(JSON.parse(await (await c.api("/api/datasets?limit=1")).text())).toHaveLength(1);
    expect((await c.api("/api/datasets?limit=-5")).status).toBe(200);
  });

  it("refuses a CSV value that overflows to Infinity with its line", async () => {
    const response = await c.api("/api/datasets?name=inf", { method: "POST", body: "date,close\n2020-01-01,1\n2020-01-02,1e309\n" });
    expect(response.status).toBe(400);
    expect(await json<ErrorBody>(response)).toEqual({ error: 'line 3: column "close": "1e309" is not a finite number', line: 3 });
  });
});

describe("authors past limits an operator set lower", () => {
  let c: TestCoordinator;
  let dataset: string;
  beforeAll(async () => {
    c = await startTestCoordinator({ limits: { maxQueuedTasks: 10, maxSeriesPerDataset: 3, maxPoints: 100, maxPlanChars: 200_000 } });
    dataset = (await json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
  });
  afterAll(() => c.close());

  it("holds running jobs to the total of queued tasks, and takes the job once another is cancelled", async () => {
    const first = await json<JobView>(post(c, "/api/jobs", { dataset, spec: SIX_TASKS }));
    expect(first.tasks.total).toBe(6);
    const error = await refused(await post(c, "/api/jobs", { dataset, spec: SIX_TASKS }), 429);
    expect(error).toBe("this job would plan 6 tasks and running jobs hold 6; the limit is 10 tasks queued in total (submit again when jobs finish)");
    expect((await post(c, `/api/jobs/${first.id}/cancel`, {})).status).toBe(200);
    const second = await json<JobView>(post(c, "/api/jobs", { dataset, spec: SIX_TASKS }));
    expect((await post(c, `/api/jobs/${second.id}/cancel`, {})).status).toBe(200);
  });

  it("holds a task graph to the same total", async () => {
    const first = await json<JobView>(post(c, "/api/jobs", { dataset, spec: SIX_TASKS }));
    const task = (i: number) => ({ id: `m${i}`, work: { kind: "map", slice: { key: "sp500", haloStart: 0, start: 0, end: 10 }, points: [{ index: 0, p: {} }] }, inputs: [] });
    const tasks = Array.from({ length: 5 }, (_, i) => task(i));
    const graph = { tasks, result: { inputs: tasks.map((t) => ({ task: t.id, from: 0, to: 1 })), shape: "list" } };
    const error = await refused(await post(c, "/api/graphs", { dataset, spec: { script: MAP }, graph }), 429);
    expect(error).toBe("this job would plan 5 tasks and running jobs hold 6; the limit is 10 tasks queued in total (submit again when jobs finish)");
    expect((await post(c, `/api/jobs/${first.id}/cancel`, {})).status).toBe(200);
    const accepted = await json<JobView>(post(c, "/api/graphs", { dataset, spec: { script: MAP }, graph }));
    expect(accepted.tasks.total).toBe(5);
    expect((await post(c, `/api/jobs/${accepted.id}/cancel`, {})).status).toBe(200);
  });

  it("refuses a grid of more points than the limit", async () => {
    const spec = { script: MAP, params: { a: Array.from({ length: 11 }, (_, i) => i), b: Array.from({ length: 10 }, (_, i) => i) } };
    expect(await refused(await post(c, "/api/jobs", { dataset, spec }), 400)).toBe("this job's parameter grid has 110 points; the limit is 100 per job");
  });

  it("refuses a plan too large to hold, however few its tasks", async () => {
    const spec = { script: MAP, params: { label: Array.from({ length: 100 }, (_, i) => `${i}${"x".repeat(250)}`) }, batchSize: 100 };
    const error = await refused(await post(c, "/api/jobs", { dataset, spec: { ...spec, split: { kind: "rows", rows: 500 } } }), 400);
    expect(error).toMatch(/^this job's plan would take 0\.\d MB \(its tasks with their parameter points\); the limit is 0\.2 MB per job$/);
  });

  it("refuses a dataset with more series than the limit, at the line of the first one too many", async () => {
    const csv = "date,symbol,close\n2020-01-01,A,1\n2020-01-01,B,1\n2020-01-02,A,2\n2020-01-01,C,1\n2020-01-01,D,1\n";
    const response = await c.api("/api/datasets?name=many", { method: "POST", body: csv });
    expect(response.status).toBe(400);
    expect(await json<ErrorBody>(response)).toEqual({ error: 'line 6: key "D" would be series 4; the limit is 3 series per dataset (maxSeries)', line: 6 });
    expect((await json<DatasetSummaryView[]>(c.api("/api/datasets"))).map((d) => d.name)).toEqual(["sp500"]);
  });
});

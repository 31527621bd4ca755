import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { JobView } from "./authors/JobView.ts";
import type { DatasetView } from "./http/routes/datasetRoutes.ts";
import { DEFAULT_AUTHOR_LIMITS } from "./limits/AuthorLimits.ts";
import type { SpawnedCoordinator } from "./testing/spawnCoordinator.ts";
import { spawnCoordinator } from "./testing/spawnCoordinator.ts";
import type { ErrorBody } from "./testing/startTestCoordinator.ts";
import { json } from "./testing/startTestCoordinator.ts";

const { maxSeriesPerDataset: SERIES, maxTasksPerJob: TASKS } = DEFAULT_AUTHOR_LIMITS;
const POINTS = TASKS / SERIES;

/** A long-format CSV of `series` series of three daily rows each. */
function manySeries(series: number): string {
  const lines = ["date,symbol,close"];
  for (let s = 0; s < series; s++) for (let d = 1; d <= 3; d++) lines.push(`2020-01-0${d},S${s},${s + d}`);
  return lines.join("\n");
}

const children: ChildProcess[] = [];
afterAll(() => children.forEach((child) => child.kill("SIGKILL")));

async function start(dataDir: string): Promise<SpawnedCoordinator> {
  const c = await spawnCoordinator(dataDir);
  children.push(c.child);
  return c;
}

describe("a data directory holding the largest dataset and job the default limits allow", () => {
  it("restarts after a crash (replaying the job from the log) and again (from the snapshot), with the job intact", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-largest-"));
    const first = await start(dataDir);
    const token = first.token as string;
    const post = (c: SpawnedCoordinator, path: string, body: string) => c.api(path, token, { method: "POST", body });

    const tooMany = await post(first, "/api/datasets?name=toomany", manySeries(SERIES + 1));
    expect(tooMany.status).toBe(400);
    expect((await json<ErrorBody>(tooMany)).error).toMatch(new RegExp(`would be series ${SERIES + 1}; the limit is ${SERIES} series per dataset`));
    const dataset = await json<DatasetView>(post(first, "/api/datasets?name=largest", manySeries(SERIES)));
    expect(dataset.series).toHaveLength(SERIES);

    const spec = { script: "function map(s, p) return p.w end", params: { w: Array.from({ length: POINTS }, (_, i) => i) }, batchSize: 1 };
    const job = await json<JobView>(post(first, "/api/jobs", JSON.stringify({ dataset: dataset.id, spec })));
    expect(job.tasks.total).toBe(TASKS);
    const past = await post(first, "/api/jobs", JSON.stringify({ dataset: dataset.id, spec: { ...spec, params: { w: [...spec.params.w, POINTS] } } }));
    expect(past.status).toBe(400);

    first.child.kill("SIGKILL");
    await first.exited;
    const second = await start(dataDir);
    expect(await json<JobView>(second.api(`/api/jobs/${job.id}`, token))).toMatchObject({ id: job.id, tasks: { total: TASKS, done: 0 } });
    // The second start compacted the log into a snapshot as it opened: the third reads only that.
    second.child.kill("SIGKILL");
    await second.exited;

    const third = await start(dataDir);
    expect(await json<JobView>(third.api(`/api/jobs/${job.id}`, token))).toMatchObject({ id: job.id, tasks: { total: TASKS, done: 0 } });
    expect((await json<DatasetView>(third.api(`/api/datasets/${dataset.id}`, token))).series).toHaveLength(SERIES);
    expect((await post(third, `/api/jobs/${job.id}/cancel`, "{}")).status).toBe(200);
    third.child.kill("SIGKILL");
    // 10,000 shard files and three starts of a 100,000-task scheduler: about 40 s on a busy 2-core machine.
  }, 180_000);
});

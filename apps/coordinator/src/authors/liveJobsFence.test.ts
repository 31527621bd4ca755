import type { DatasetId, JobId, JobView } from "@shoal/protocol";
import { parseJobSpec } from "@shoal/protocol";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../Logger.ts";
import { MemoryStore } from "../store/MemoryStore.ts";
import { sampleDataset } from "../store/runStoreTests.ts";
import type { DatasetRecord } from "../store/Store.ts";
import { SMALL_SMA_SPEC } from "../testing/fixtures.ts";
import type { JobRequest } from "./JobService.ts";
import { LiveJobs } from "./LiveJobs.ts";

/*
 * The fence between two nodes' LiveJobs on one store, as logic: two LiveJobs share a MemoryStore
 * (two coordinators on one database) with fake job submission, so each interleaving the real
 * cluster test can only hope for is forced here. Real processes: Coordinator.liveCluster.test.ts.
 */

type Listener<T> = (value: T) => void;

/** One node: its LiveJobs, its job submissions (each written with the chain's row in one transaction), and hooks to end jobs or announce appends. */
function node(store: MemoryStore, name: string) {
  const finished = new Set<Listener<JobView>>();
  const appended = new Set<Listener<DatasetRecord>>();
  const submitted: JobId[] = [];
  let n = 0;
  const hooks = { before: undefined as (() => Promise<void>) | undefined };
  const view = (id: JobId): JobView | undefined => {
    const row = store.getJob(id);
    if (!row) return undefined;
    const status = row.outcome?.status ?? "running";
    return { id, dataset: row.dataset, status, tasks: { total: 4, reused: 0 } } as unknown as JobView;
  };
  const live = new LiveJobs(
    {
      async submit(request: JobRequest, within) {
        await Promise.resolve();
        const before = hooks.before;
        hooks.before = undefined;
        await before?.();
        const id = `j_${name}${++n}` as JobId;
        store.transaction(() => {
          store.insertJob({ id, dataset: request.dataset as DatasetId, spec: JSON.stringify(request.spec), hasReduce: true, replicas: 1, quorum: 1, createdAt: new Date(0).toISOString() });
          within?.(id);
        });
        submitted.push(id);
        return view(id) as JobView;
      },
      cancel: (id) => view(id) as JobView,
      view,
      resultText: () => "{}",
      dataset: (id) => store.getDataset(id),
      onFinished: (listener) => (finished.add(listener), () => finished.delete(listener)),
      onAppended: (listener) => (appended.add(listener), () => appended.delete(listener)),
      store,
      logger: silentLogger,
      shared: true,
    },
    8,
  );
  return {
    live,
    submitted,
    /** Runs `fn` inside the node's next submit, after its claim and before its job's transaction. */
    beforeNextCommit(fn: () => Promise<void>) {
      hooks.before = fn;
    },
    /** The job ends on this node (it ran it, or took it over). */
    finish(id: JobId) {
      store.finishJob(id, { status: "done", finishedAt: new Date(0).toISOString(), tasks: { total: 4, waiting: 0, queued: 0, running: 0, done: 4, failed: 0 }, results: { accepted: 4, rejected: 0 } } as never);
      for (const listener of finished) listener(view(id) as JobView);
    },
    /** An append arrives at this node. */
    append(dataset: DatasetRecord) {
      for (const listener of appended) listener(dataset);
    },
  };
}

/** Lets every submit under way (each a few event-loop turns in this fake) run to its end. */
async function turns(n = 50): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function settle(until: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !until(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(until()).toBe(true);
}

function setup() {
  const store = new MemoryStore();
  const v1 = sampleDataset("d1");
  store.insertDataset(v1);
  const a = node(store, "a");
  const b = node(store, "b");
  const jobsOn = (dataset: string) => store.listJobs(100).filter((job) => job.dataset === dataset);
  let version = 1;
  const appendVersion = (parent: DatasetId): DatasetRecord => {
    version++;
    const record = sampleDataset(`d${version}`, { parent, version, hash: String(version).repeat(64).slice(0, 64) });
    store.insertDataset(record);
    return record;
  };
  return { store, v1, a, b, jobsOn, appendVersion };
}

describe("live chains on two nodes sharing a store", () => {
  it("the same append announced on both nodes, racing, starts one job; both nodes then follow it", async () => {
    const { store, v1, a, b, jobsOn, appendVersion } = setup();
    const first = await a.live.submit({ dataset: v1.id, spec: parseJobSpec(SMALL_SMA_SPEC) }, "h");
    a.submitted.length = 0;
    a.finish(first.id);
    const v2 = appendVersion(v1.id);
    a.append(v2);
    b.append(v2);
    await turns();
    // Both claimed (a first, then b, before a's job committed): the later commit under a stale epoch was rolled back.
    expect([...a.submitted, ...b.submitted]).toHaveLength(1);
    expect(jobsOn(v2.id).map((job) => job.id)).toEqual([...a.submitted, ...b.submitted]);
    const row = store.getLiveChain(first.id)!;
    expect(row).toMatchObject({ current: jobsOn(v2.id)[0]!.id, last: first.id });
    expect(a.live.describe(first.id)).toEqual({ chain: first.id, current: row.current });
    expect(b.live.describe(first.id)).toEqual({ chain: first.id, current: row.current });
  });

  it("a node that hears an append after another started the version (its job committed) claims at a stale epoch and starts nothing", async () => {
    const { store, v1, a, b, jobsOn, appendVersion } = setup();
    const first = await a.live.submit({ dataset: v1.id, spec: parseJobSpec(SMALL_SMA_SPEC) }, "h");
    a.submitted.length = 0;
    b.finish(first.id);
    a.finish(first.id);
    const v2 = appendVersion(v1.id);
    a.append(v2);
    await settle(() => a.submitted.length === 1);
    // b followed the chain at epoch 0 (it saw the first job end); the chain is at epoch 1, running a's job.
    b.append(v2);
    await turns();
    expect(b.submitted).toEqual([]);
    expect(jobsOn(v2.id).map((job) => job.id)).toEqual(a.submitted);
    expect(store.getLiveChain(first.id)).toMatchObject({ current: a.submitted[0], epoch: 1 });
  });

  it("a node whose claim was overtaken before its job's commit has that job rolled back, and follows the winner's", async () => {
    const { store, v1, a, b, jobsOn, appendVersion } = setup();
    const first = await a.live.submit({ dataset: v1.id, spec: parseJobSpec(SMALL_SMA_SPEC) }, "h");
    a.submitted.length = 0;
    a.finish(first.id);
    const v2 = appendVersion(v1.id);
    // a claims epoch 0 -> 1; before its job commits, b hears the append, claims 1 -> 2 and commits its job.
    a.beforeNextCommit(async () => {
      b.append(v2);
      await settle(() => b.submitted.length === 1);
    });
    a.append(v2);
    await settle(() => b.submitted.length === 1 && a.live.describe(first.id)?.current === b.submitted[0]);
    expect(a.submitted).toEqual([]);
    expect(jobsOn(v2.id).map((job) => job.id)).toEqual(b.submitted);
    expect(store.getLiveChain(first.id)).toMatchObject({ current: b.submitted[0], epoch: 2 });
    // a still follows the chain (not ended): when b's job ends and the next version comes to a, a starts it.
    expect(a.live.size).toBe(1);
    b.finish(b.submitted[0]!);
    const v3 = appendVersion(v2.id);
    a.append(v3);
    await settle(() => a.submitted.length === 1);
    expect(jobsOn(v3.id).map((job) => job.id)).toEqual(a.submitted);
  });

  it("an append to a node whose chain's job runs on another waits for that job: its owner starts the newest version when it ends", async () => {
    const { v1, a, b, jobsOn, appendVersion } = setup();
    const first = await a.live.submit({ dataset: v1.id, spec: parseJobSpec(SMALL_SMA_SPEC) }, "h");
    a.submitted.length = 0;
    const v2 = appendVersion(v1.id);
    b.append(v2);
    const v3 = appendVersion(v2.id);
    b.append(v3);
    await turns();
    expect(b.submitted).toEqual([]);
    a.finish(first.id);
    await settle(() => a.submitted.length === 1);
    expect(jobsOn(v2.id)).toEqual([]);
    expect(jobsOn(v3.id).map((job) => job.id)).toEqual(a.submitted);
  });

  it("a job another node ends (it took the job over) brings the chain with it; a stopped chain cannot be claimed by a node still following it", async () => {
    const { store, v1, a, b, jobsOn, appendVersion } = setup();
    const first = await a.live.submit({ dataset: v1.id, spec: parseJobSpec(SMALL_SMA_SPEC) }, "h");
    a.submitted.length = 0;
    expect(b.live.describe(first.id)).toBeUndefined();
    b.finish(first.id);
    expect(b.live.describe(first.id)).toEqual({ chain: first.id, current: first.id });
    const v2 = appendVersion(v1.id);
    b.append(v2);
    await settle(() => b.submitted.length === 1);
    expect(jobsOn(v2.id).map((job) => job.id)).toEqual(b.submitted);
    // Stopped at b: a, which still follows the chain from before, hears the next append and starts nothing.
    b.finish(b.submitted[0]!);
    expect(b.live.stop(first.id)).toBe(true);
    expect(store.getLiveChain(first.id)).toBeUndefined();
    const v3 = appendVersion(v2.id);
    a.append(v3);
    await turns();
    expect(a.submitted).toEqual([]);
    expect(jobsOn(v3.id)).toEqual([]);
  });
});

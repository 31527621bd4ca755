// What the dispatch benches (bench/dispatch, bench/store, bench/feed, bench/cluster) share: the
// trivial job they time, and how each waits for one.
import type { JobView } from "@shoal/client";
import type { ShoalClient } from "@shoal/client";

/** A map that returns 1: a task that costs nothing but its dispatch. */
export const TRIVIAL_SCRIPT = "function map(series, p)\n  return 1\nend\n";
/** A 10-row dataset for it. */
export const TRIVIAL_CSV = "date,close\n" + Array.from({ length: 10 }, (_, i) => `2020-01-${String(i + 1).padStart(2, "0")},${i + 1}`).join("\n") + "\n";

/** Follows a job's events to its end; throws unless it is done. */
export async function finishJob(client: ShoalClient, id: string): Promise<JobView> {
  let last: JobView | undefined;
  for await (const event of client.watchJob(id)) last = event.job;
  if (last?.status !== "done") throw new Error(`job ${id} ended ${last?.status}: ${JSON.stringify(last?.error)}`);
  return last;
}

/** One job of `points` trivial points, batch 1: points/s from its creation to its result in hand. */
export async function trivialJobRate(client: ShoalClient, dataset: string, points: number): Promise<number> {
  const t0 = performance.now();
  const job = await client.createJob({ dataset, spec: { script: TRIVIAL_SCRIPT, params: { i: Array.from({ length: points }, (_, k) => k) }, batchSize: 1 } });
  await finishJob(client, job.id);
  await client.getResult(job.id);
  return points / ((performance.now() - t0) / 1000);
}

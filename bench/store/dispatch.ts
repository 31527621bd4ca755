import type { JobView } from "@shoal/client";
import { ShoalClient } from "@shoal/client";
import { killAll, sleep, startCoordinator, startWorker } from "../dispatch/grid.ts";

const SCRIPT = "function map(series, p)\n  return 1\nend\n";
const CSV = "date,close\n" + Array.from({ length: 10 }, (_, i) => `2020-01-${String(i + 1).padStart(2, "0")},${i + 1}`).join("\n") + "\n";

async function throughput(client: ShoalClient, dataset: string, points: number): Promise<number> {
  const t0 = performance.now();
  const job = await client.createJob({ dataset, spec: { script: SCRIPT, params: { i: Array.from({ length: points }, (_, k) => k) }, batchSize: 1 } });
  let last: JobView | undefined;
  for await (const event of client.watchJob(job.id)) last = event.job;
  if (last?.status !== "done") throw new Error(`job ${job.id} ended ${last?.status}`);
  await client.getResult(job.id);
  return points / ((performance.now() - t0) / 1000);
}

/**
 * Tasks/s of one job of `tasks` trivial tasks (batch size 1, so every result is its own group
 * commit at most), creation to result in hand: a real coordinator with `coordinatorArgs` and two
 * `shoal worker --threads 1` over WebSocket, after a 200-task warm-up. One figure per repeat.
 */
export async function dispatchRate(coordinatorArgs: readonly string[], tasks: number, repeats: number): Promise<number[]> {
  const coordinator = await startCoordinator(coordinatorArgs);
  try {
    const client = new ShoalClient({ url: coordinator.url, token: coordinator.token });
    const { dataset } = await client.uploadDataset(new TextEncoder().encode(CSV), { name: "trivial" });
    await Promise.all([startWorker(coordinator.url, "ws"), startWorker(coordinator.url, "ws")]);
    for (let tries = 0; (await client.listPeers()).length < 2; tries++) {
      if (tries > 200) throw new Error("volunteers did not show up in /api/peers");
      await sleep(50);
    }
    await throughput(client, dataset.id, 200);
    const rates: number[] = [];
    for (let r = 0; r < repeats; r++) rates.push(await throughput(client, dataset.id, tasks));
    return rates;
  } finally {
    await killAll();
  }
}

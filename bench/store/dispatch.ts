import { ShoalClient } from "@shoal/client";
import { killAll, sleep, startCoordinator, startWorker } from "../dispatch/grid.ts";
import { TRIVIAL_CSV as CSV, trivialJobRate as throughput } from "../dispatch/trivialJobs.ts";


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

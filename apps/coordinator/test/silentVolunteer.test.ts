import { afterAll, beforeAll, expect, it } from "vitest";
import { canonicalJson } from "@shoal/protocol";
import type { PeerView } from "../src/volunteers/Grid.ts";
import { shoalRunSmallSma } from "../src/testing/fixtures.ts";
import { GridHarness } from "../src/testing/GridHarness.ts";
import { json } from "../src/testing/startTestCoordinator.ts";

/*
 * A donor whose browser died without closing its connection: the transport never reports the
 * close, so only silence can tell. Heartbeats every 250 ms here, silence limit 3 s (in
 * production 10 s and 30 s): the silent volunteer must leave and its lease go to another.
 */

let grid: GridHarness;
let reference: string;
beforeAll(async () => {
  // `shoal run` is a child process that takes seconds on a busy machine: out of the test's own time.
  [grid, reference] = await Promise.all([GridHarness.start({ heartbeatMs: 250, silenceMs: 3000 }), shoalRunSmallSma()]);
});
afterAll(() => grid.close());

const peerIds = async () => (await json<PeerView[]>(grid.coordinator.api("/api/peers"))).map((p) => p.id);

it("drops a volunteer that holds a lease and goes silent, and the job finishes on another as shoal run prints it", async () => {
  const job = await grid.submitSma();
  const { client: silent, welcome } = await grid.hello();
  silent.send({ type: "request-work", freeSlots: 1 });
  await silent.next("assign");
  // It neither reports nor heartbeats, and its socket stays open, as a frozen tab's would.
  const honest = await grid.honest();
  const deadline = Date.now() + 20_000;
  while ((await peerIds()).includes(welcome.peerId)) {
    if (Date.now() > deadline) throw new Error("the silent volunteer was never dropped");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(grid.logLines.some((line) => line.includes(`sent nothing for`) && line.includes(welcome.peerId))).toBe(true);
  expect(await grid.finished(job.id)).toMatchObject({ status: "done" });
  expect(canonicalJson(await grid.result(job.id))).toBe(reference);
  // The honest volunteer heartbeats, so it stays however long the job took.
  expect(await peerIds()).toContain(honest.worker.peerId);
});

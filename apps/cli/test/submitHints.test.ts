import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ShoalClient } from "@shoal/client";
import { afterAll, expect, it } from "vitest";
import { ShoalProcess } from "./shoalProcess.ts";

/* What `shoal submit` tells an author whose job cannot start: a real coordinator with no volunteer. */

const spawned: ShoalProcess[] = [];
afterAll(async () => {
  await Promise.all(spawned.map((p) => p.kill9()));
});

it("says that no volunteer is connected, how to start one, and where to follow the job", async () => {
  const coordinator = new ShoalProcess(["coordinator", "--port", "0", "--data-dir", mkdtempSync(join(tmpdir(), "shoal-hints-")), "--no-webrtc"]);
  spawned.push(coordinator);
  const url = (await coordinator.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
  const token = (await coordinator.waitFor(/author token[^:]*: (\S+)\n/))[1]!;
  const submit = new ShoalProcess(["submit", "--coordinator", url, "--token", token, "examples/sma-crossover.lua", "--data", "public/datasets/sp500.csv", "--param", "fast=5", "--param", "slow=50"]);
  spawned.push(submit);
  const id = (await submit.waitFor(/submitted job (\S+):/))[1]!;
  await submit.waitFor(new RegExp(`follow it at ${url}/dashboard/jobs/${id}\\n`));
  await submit.waitFor(/no volunteer that runs fengari is connected, so the job waits: start one with `npx shoal worker --coordinator \S+`/);
  const job = await new ShoalClient({ url, token }).getJob(id);
  expect(job.status).toBe("queued");
});

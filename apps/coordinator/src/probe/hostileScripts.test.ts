import type { DatasetView } from "@shoal/protocol";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SP500_CSV } from "../testing/fixtures.ts";
import type { SpawnedCoordinator } from "../testing/spawnCoordinator.ts";
import { spawnCoordinator } from "../testing/spawnCoordinator.ts";
import type { ErrorBody } from "../testing/startTestCoordinator.ts";
import { json } from "../testing/startTestCoordinator.ts";

/**
 * Submits a script while polling `/healthz` one request after another; returns the submit's answer
 * and the polls, counting those answered while the submit was still waiting for its answer.
 */
async function submitWhilePolling(c: SpawnedCoordinator, token: string, body: unknown): Promise<{ response: Response; polls: number[]; during: number }> {
  let answered = false;
  const submit = c.api("/api/jobs", token, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }).finally(() => (answered = true));
  const polls: number[] = [];
  let during = 0;
  while (!answered) {
    const status = (await fetch(`${c.url}/healthz`)).status;
    polls.push(status);
    if (!answered) during++;
  }
  return { response: await submit, polls, during };
}

describe("a coordinator process probing hostile scripts", () => {
  let c: SpawnedCoordinator;
  let token: string;
  let dataset: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    c = await spawnCoordinator(mkdtempSync(join(tmpdir(), "shoal-probe-")));
    children.push(c.child);
    token = c.token as string;
    dataset = (await json<DatasetView>(c.api("/api/datasets?name=sp500", token, { method: "POST", body: SP500_CSV }))).id;
  });
  afterAll(() => children.forEach((child) => child.kill("SIGKILL")));

  it.each([
    ["catastrophic backtracking", 'local x = ("a"):rep(600):find(".-.-.-b")\nfunction map() end', /^the script's top level ran longer than 2 s when the coordinator ran it once to find map; keep work inside map and reduce$/],
    ["a 10^7-entry table", "local t = {}\nfor i = 1, 1e7 do t[i] = i end\nfunction map() end", /not enough memory|used more than 256 MB of memory|ran longer than 2 s/],
  ])("answers /healthz throughout a top level of %s, and refuses the script with a 400 that says why", async (_name, script, message) => {
    const { response, polls, during } = await submitWhilePolling(c, token, { dataset, spec: { script } });
    expect(response.status).toBe(400);
    expect((await json<ErrorBody>(response)).error).toMatch(message);
    expect(polls.every((status) => status === 200)).toBe(true);
    // The main thread kept serving while the probe ran: polls were answered before the submit was.
    expect(during).toBeGreaterThanOrEqual(3);
  });

  it("still accepts a good script after the probe thread was killed", async () => {
    const response = await c.api("/api/jobs", token, { method: "POST", body: JSON.stringify({ dataset, spec: { script: "function map() return 1 end" } }) });
    expect(response.status).toBe(201);
  });
});

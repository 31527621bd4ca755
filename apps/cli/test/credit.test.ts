import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DonorStanding, StatsPage } from "@shoal/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { ShoalProcess } from "./shoalProcess.ts";

/*
 * Credit end to end with real processes: a coordinator (SQLite), two honest `shoal worker`s under
 * donor keys and a lying one under its own key, a replicas-2 quorum-2 job, then a kill -9 of the
 * coordinator: the ledger is what the quorum accepted, and it survives the crash unchanged.
 */

const ADA = "ada-key-0123456789-abcdefghijklmnopqrstuvw";
const BOB = "bob-key-0123456789-abcdefghijklmnopqrstuvw";
const LIAR = "liar-key-0123456789-abcdefghijklmnopqrstuv";
const JOB = ["examples/sma-crossover.lua", "--data", "public/datasets/sp500.csv", "--param", "fast=5,10", "--param", "slow=50,100", "--split", "rows=500", "--halo", "100"];
const dataDir = mkdtempSync(join(tmpdir(), "shoal-credit-"));
const spawned: ShoalProcess[] = [];
const start = (args: string[]) => {
  const p = new ShoalProcess(args);
  spawned.push(p);
  return p;
};

afterAll(async () => {
  await Promise.all(spawned.map((p) => p.kill9()));
});

async function startCoordinator(port: number, dir = dataDir): Promise<{ p: ShoalProcess; url: string }> {
  const p = start(["coordinator", "--port", String(port), "--data-dir", dir]);
  return { p, url: (await p.waitFor(/coordinator: (http:\/\/\S+)/))[1]! };
}

const post = async <T>(url: string, path: string, body: unknown): Promise<T> => {
  const response = await fetch(`${url}${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
};
const stats = async (url: string, query: string) => (await (await fetch(`${url}/api/stats?${query}`)).json()) as StatsPage;

describe("credit with real processes", () => {
  it("credits the agreeing donors, never the liar, and keeps the ledger through a kill -9", async () => {
    let { p: coordinator, url } = await startCoordinator(0);
    const token = (await coordinator.waitFor(/author token[^:]*: (\S+)\n/))[1]!;
    const worker = (key: string, extra: string[] = []) => start(["worker", "--coordinator", url, "--threads", "1", "--transport", "ws", "--status-every", "1h", "--donor-key", key, ...extra]);
    const honest = [worker(ADA), worker(BOB)];
    const liar = worker(LIAR, ["--lie"]);
    await Promise.all([...honest, liar].map((w) => w.waitFor(/connected to the coordinator/)));
    await post(url, "/api/donor", { key: ADA, profile: { name: "Ada", team: "Engines" } });
    await post(url, "/api/donor", { key: BOB, profile: { name: "Bob", team: "Engines" } });

    const submit = start(["submit", "--coordinator", url, "--token", token, ...JOB, "--replicas", "2", "--quorum", "2"]);
    expect(await submit.exited, submit.stderr).toBe(0);
    const id = (await submit.waitFor(/submitted job (\S+):/))[1]!;
    const job = (await (await fetch(`${url}/api/jobs/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { tasks: { total: number } };

    // Only Ada and Bob can agree, so every task is credited to both, once, and the liar gets nothing.
    const ada = await post<DonorStanding>(url, "/api/donor", { key: ADA });
    const bob = await post<DonorStanding>(url, "/api/donor", { key: BOB });
    expect(ada).toMatchObject({ name: "Ada", team: "Engines", results: job.tasks.total });
    expect(bob).toMatchObject({ results: job.tasks.total, credit: ada.credit });
    expect(ada.credit).toBeGreaterThan(job.tasks.total);
    expect(await post<DonorStanding>(url, "/api/donor", { key: LIAR })).toEqual({ credit: 0, results: 0 });
    const teams = await stats(url, "board=teams");
    expect(teams.rows).toEqual([{ rank: 1, id: "Engines", name: "Engines", credit: 2 * ada.credit, results: 2 * job.tasks.total }]);
    const donors = await stats(url, "board=donors&window=24h");
    expect(donors.rows.map((r) => r.name).sort()).toEqual(["Ada", "Bob"]);

    const port = Number(new URL(url).port);
    await coordinator.kill9();
    ({ p: coordinator, url } = await startCoordinator(port));
    expect(await post<DonorStanding>(url, "/api/donor", { key: ADA })).toEqual(ada);
    expect((await stats(url, "board=teams")).rows).toEqual(teams.rows);
    // A rename after the restart moves no credit: the key holds it.
    await post(url, "/api/donor", { key: ADA, profile: { name: "Countess", team: "Engines" } });
    expect((await stats(url, "board=donors")).rows.find((r) => r.name === "Countess")?.credit).toBe(ada.credit);
  }, 120_000);

  it("grants nothing when both replicas of every task come from sessions under one key", async () => {
    const { p: coordinator, url } = await startCoordinator(0, mkdtempSync(join(tmpdir(), "shoal-credit-one-key-")));
    const token = (await coordinator.waitFor(/author token[^:]*: (\S+)\n/))[1]!;
    const sessions = [0, 1].map(() => start(["worker", "--coordinator", url, "--threads", "1", "--transport", "ws", "--status-every", "1h", "--donor-key", ADA]));
    await Promise.all(sessions.map((w) => w.waitFor(/connected to the coordinator/)));
    const submit = start(["submit", "--coordinator", url, "--token", token, ...JOB, "--replicas", "2", "--quorum", "2"]);
    expect(await submit.exited, submit.stderr).toBe(0);
    expect(await post<DonorStanding>(url, "/api/donor", { key: ADA })).toEqual({ credit: 0, results: 0 });
    expect((await stats(url, "board=donors")).total).toBe(0);
  }, 120_000);
});

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runShoal } from "./runShoal.ts";
import { ShoalProcess } from "./shoalProcess.ts";

/*
 * Incremental jobs end to end with real processes: a coordinator (SQLite in a temp dir), a Node
 * volunteer, `shoal submit`, `shoal append` and `shoal submit --dataset` on the new version.
 */

const SWEEP = ["examples/sma-crossover.lua", "--param", "fast=5,10,20,50", "--param", "slow=50,100,150,200", "--split", "rows=500", "--halo", "250"];
const HEADER = "date,open,high,low,close,adjclose,volume\n";
const BAR = "2020-04-20,2845.620117,2868.979980,2820.429932,2823.159912,2823.159912,5220160000\n";

const work = mkdtempSync(join(tmpdir(), "shoal-incremental-"));
const spawned: ShoalProcess[] = [];
let url = "";
let token = "";
/** The sample as uploaded, and the version with one more bar the first test appends. */
let v1 = "";
let v2 = "";

function start(args: string[]): ShoalProcess {
  const p = new ShoalProcess(args);
  spawned.push(p);
  return p;
}

/** Runs `shoal submit` to the end; its stdout (the result) and stderr. */
async function submit(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const p = start(["submit", "--coordinator", url, "--token", token, ...args]);
  const code = await p.exited;
  expect(code, p.stderr).toBe(0);
  return { stdout: p.stdout, stderr: p.stderr };
}

/** Resolves with stdout's `n`th line (from 1) parsed as JSON, once the process has printed it. */
async function line(p: ShoalProcess, n: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 120_000;
  while (p.stdout.split("\n").length <= n) {
    if (!p.running || Date.now() > deadline) throw new Error(`no line ${n} on stdout:\n${p.stdout}\n${p.stderr.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return JSON.parse(p.stdout.split("\n")[n - 1]!) as Record<string, unknown>;
}

const append = (dataset: string, file: string) => runShoal(["append", "--coordinator", url, "--token", token, dataset, file]);

beforeAll(async () => {
  const coordinator = start(["coordinator", "--port", "0", "--data-dir", join(work, "data")]);
  url = (await coordinator.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
  token = (await coordinator.waitFor(/author token[^:]*: (\S+)\n/))[1]!;
  const worker = start(["worker", "--coordinator", url, "--threads", "2", "--transport", "ws", "--status-every", "1h"]);
  await worker.waitFor(/connected to the coordinator/);
}, 60_000);

afterAll(async () => {
  await Promise.all(spawned.map((p) => p.kill9()));
});

describe("shoal append, then shoal submit --dataset", () => {
  it("reruns the SMA sweep on the appended version reusing the unchanged tasks, to the bytes of a from-scratch run", async () => {
    const first = await submit([...SWEEP, "--data", "public/datasets/sp500.csv"]);
    v1 = /as dataset (\S+) /.exec(first.stderr)![1]!;
    const barFile = join(work, "bar.csv");
    writeFileSync(barFile, HEADER + BAR);

    const appended = await append(v1, barFile);
    expect(appended.code, appended.stderr).toBe(0);
    v2 = appended.stdout.trim();
    expect(appended.stderr).toMatch(new RegExp(`appended .*bar.csv to ${v1}: version 2 is dataset ${v2} \\(1 series, 5106 rows\\)`));

    const rerun = await submit([...SWEEP, "--dataset", v2]);
    const [, reused, total] = /reused (\d+) of (\d+) tasks/.exec(rerun.stderr)!.map(Number) as [number, number, number];
    expect(first.stderr).toContain(`: ${total} tasks`);
    expect(reused).toBeGreaterThan(0);
    // The new bar falls in the last of 11 slices: only its batches and the reduce path above them run.
    expect(total - reused).toBeGreaterThan(0);
    expect(total - reused).toBeLessThanOrEqual(Math.ceil(total / 5));

    // From scratch: the same rows as one upload (named sp500.csv, so the series key is the same).
    mkdirSync(join(work, "scratch"));
    const full = join(work, "scratch", "sp500.csv");
    const sample = readFileSync(join(ROOT, "public/datasets/sp500.csv"), "utf8");
    writeFileSync(full, `${sample}${sample.endsWith("\n") ? "" : "\n"}${BAR}`);
    const scratch = await submit([...SWEEP, "--data", full]);
    expect(scratch.stderr).toMatch(/uploaded .* \(1 series, 5106 rows\)/);
    expect(rerun.stdout).toBe(scratch.stdout);
    expect(rerun.stdout).not.toBe(first.stdout);
  }, 240_000);

  it("refuses an append to a superseded version, a stale time and an unknown dataset, exit 2 with the reason", async () => {
    expect(v2).not.toBe("");
    const stale = join(work, "stale.csv");
    writeFileSync(stale, `${HEADER}${BAR.replace("2020-04-20", "2020-04-21")}${BAR}`);
    const late = await append(v2, stale);
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(/line 3: time 2020-04-20T00:00:00.000Z for key "sp500" is not after 2020-04-21T00:00:00.000Z \(line 2\)/);
    const old = await append(v2, join(work, "bar.csv"));
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/line 2: time 2020-04-20T00:00:00.000Z .* is not after 2020-04-20T00:00:00.000Z \(the series' last stored time\)/);
    const superseded = await append(v1, join(work, "bar.csv"));
    expect(superseded.code).toBe(2);
    expect(superseded.stderr).toMatch(new RegExp(`dataset ${v1} is not the latest version: ${v2} was appended to it`));
    const unknown = await append("d_nope", stale);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no dataset d_nope/);
    const missing = await append(v2, join(work, "nope.csv"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv/);
  }, 120_000);
});

describe("shoal submit --live", () => {
  const LIVE = ["examples/sma-crossover.lua", "--param", "fast=5,20", "--param", "slow=50,200", "--split", "rows=500", "--halo", "250"];
  const BARS = [BAR, BAR.replace("2020-04-20", "2020-04-21")];

  it("prints one JSON line per appended version, each equal to a from-scratch shoal run on that version's rows, and stops on Ctrl-C", async () => {
    mkdirSync(join(work, "live"));
    const sample = readFileSync(join(ROOT, "public/datasets/sp500.csv"), "utf8").replace(/\n?$/, "\n");
    // Named live.csv, so it is a dataset of its own (version 1), not the first test's sp500 one.
    const data = join(work, "live", "live.csv");
    writeFileSync(data, sample);
    const live = start(["submit", "--coordinator", url, "--token", token, "--live", ...LIVE, "--data", data]);
    const first = await line(live, 1);
    expect(first).toMatchObject({ version: 1, status: "done", reused: 0 });
    expect(live.stderr).toMatch(new RegExp(`job ${String(first.jobId)} is live`));

    let dataset = String(first.dataset);
    let rows = sample;
    for (const [i, bar] of BARS.entries()) {
      const barFile = join(work, "live", `bar${i}.csv`);
      writeFileSync(barFile, HEADER + bar);
      const appended = await append(dataset, barFile);
      expect(appended.code, appended.stderr).toBe(0);
      dataset = appended.stdout.trim();
      const next = await line(live, i + 2);
      expect(next).toMatchObject({ version: i + 2, dataset, status: "done", chain: first.jobId });
      expect(next.jobId).not.toBe(first.jobId);
      expect(next.reused).toBeGreaterThan(0);
      rows += bar;
      const scratchFile = join(work, "live", `v${i + 2}`, "live.csv");
      mkdirSync(join(work, "live", `v${i + 2}`));
      writeFileSync(scratchFile, rows);
      const scratch = await runShoal(["run", ...LIVE, "--data", scratchFile]);
      expect(scratch.code, scratch.stderr).toBe(0);
      expect(next.result).toEqual(JSON.parse(scratch.stdout));
      expect(next.result).not.toEqual(first.result);
    }
    expect(live.stdout.trim().split("\n")).toHaveLength(3);
    live.child.kill("SIGINT");
    expect(await live.exited).toBe(0);
    expect(live.stderr).toMatch(/stopped live job/);
    // Ctrl-C stopped the chain: its live stream is gone.
    const stream = await fetch(`${url}/api/jobs/${String(first.jobId)}/live`, { headers: { Authorization: `Bearer ${token}` } });
    expect(stream.status).toBe(404);
    expect(((await stream.json()) as { error: string }).error).toMatch(/is not live/);
  }, 300_000);
});

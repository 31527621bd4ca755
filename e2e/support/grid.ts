import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "@playwright/test";
import { ShoalProcess } from "../../apps/cli/test/shoalProcess.ts";

import { runShoal } from "../../apps/cli/test/runShoal.ts";

export { firstDifference, runShoal } from "../../apps/cli/test/runShoal.ts";

/** The SMA sweep the browser tests run: small enough for seconds, split so several donors share it. */
export const SWEEP = [
  "examples/sma-crossover.lua",
  "--data",
  "public/datasets/sp500.csv",
  "--param",
  "fast=5,20",
  "--param",
  "slow=50,150",
  "--split",
  "rows=1000",
  "--halo",
  "250",
];

/**
 * The result `shoal run` prints for `job` (SWEEP by default) on one thread: what every grid run
 * of the same job must equal. Fails with the CLI's stderr if the run does not exit 0.
 */
export async function shoalRunResult(job: readonly string[] = SWEEP): Promise<unknown> {
  const run = await runShoal(["run", ...job, "--threads", "1"]);
  if (run.code !== 0) throw new Error(`shoal run exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown;
}

/**
 * For a spec file: starts `grid` before its tests (while `shoal run` computes SWEEP's result) and
 * stops it after them. The returned function gives that result, for tests to compare against.
 */
export function useSweepGrid(grid: TestGrid): () => unknown {
  let expected: unknown;
  test.beforeAll(async () => {
    const baseline = shoalRunResult();
    await grid.start();
    expected = await baseline;
  });
  test.afterAll(async () => {
    await grid.stop();
  });
  return () => expected;
}

/** A real coordinator process on an ephemeral port with a temp data dir, and `shoal submit` against it. */
export class TestGrid {
  readonly dataDir = mkdtempSync(join(tmpdir(), "shoal-e2e-"));
  readonly #spawned: ShoalProcess[] = [];
  url = "";
  token = "";
  /** The coordinator process, for its log (stderr). */
  coordinator: ShoalProcess | undefined;

  /** Starts the coordinator; `args` are more `shoal coordinator` flags (e.g. `--silence-timeout`). */
  async start(args: string[] = []): Promise<void> {
    const coordinator = this.#spawn(["coordinator", "--port", "0", "--data-dir", this.dataDir, ...args]);
    this.coordinator = coordinator;
    this.url = (await coordinator.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
    this.token = (await coordinator.waitFor(/author token[^:]*: (\S+)\n/))[1]!;
  }

  /** Starts `shoal submit` with `args`; `result()` resolves with its parsed stdout once it exits 0. */
  submit(args: string[]): { process: ShoalProcess; result: () => Promise<unknown> } {
    const process = this.#spawn(["submit", "--coordinator", this.url, "--token", this.token, ...args]);
    return {
      process,
      result: async () => {
        const code = await process.exited;
        if (code !== 0) throw new Error(`shoal submit exited ${code}: ${process.stderr.slice(-2000)}`);
        return JSON.parse(process.stdout);
      },
    };
  }

  /** Starts a `shoal worker` (Node volunteer) against the grid and waits until the coordinator welcomed it. */
  async worker(args: string[] = []): Promise<ShoalProcess> {
    const worker = this.#spawn(["worker", "--coordinator", this.url, ...args]);
    await worker.waitFor(/connected|welcome|joined/i);
    return worker;
  }

  /** Writes a Lua job into the data dir and returns its path. */
  script(name: string, source: string): string {
    const path = join(this.dataDir, name);
    writeFileSync(path, source);
    return path;
  }

  /** A counter from the coordinator's /metrics, summed over labels. */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    let sum = 0;
    for (const line of text.split("\n")) if (line.startsWith(name) && /^[a-z_]+(\{[^}]*\})? /.test(line)) sum += Number(line.split(" ").at(-1));
    return sum;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#spawned.map((p) => p.kill9()));
  }

  #spawn(args: string[]): ShoalProcess {
    const process = new ShoalProcess(args);
    this.#spawned.push(process);
    return process;
  }
}

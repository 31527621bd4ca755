import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { EngineName } from "@shoal/protocol";

/** The repository root. */
export const ROOT_DIR = fileURLToPath(new URL("../../../../", import.meta.url));
/** The sample dataset: daily S&P 500 bars. */
export const SP500_CSV = readFileSync(`${ROOT_DIR}public/datasets/sp500.csv`);
/** The S&P 500 sample's header line, as an append's body starts. */
export const SP500_HEADER = "date,open,high,low,close,adjclose,volume\n";
/** The sample with a final line end, so rows can follow it. */
export const SP500_TEXT = SP500_CSV.toString("utf8").replace(/\n?$/, "\n");
/** One made-up bar after the sample ends (May 2020, `day` 1 to 28), as a CSV line. */
export const sp500Bar = (day: number): string => `2020-05-${String(day).padStart(2, "0")},2845.62,2868.97,2820.42,${2800 + day}.5,${2800 + day}.5,5220160000\n`;
/** The SMA-crossover example script. */
export const SMA_SCRIPT = readFileSync(`${ROOT_DIR}examples/sma-crossover.lua`, "utf8");
/** The SMA sweep as the grid runs it: 11 slices of 500 rows with a 250-row halo, 16 points in batches of 4. */
export const SMA_SPEC = {
  script: SMA_SCRIPT,
  params: { fast: [5, 10, 20, 50], slow: [50, 100, 150, 200] },
  split: { kind: "rows" as const, rows: 500 },
  halo: 250,
  batchSize: 4,
};

/** A smaller SMA sweep for tests that run many jobs: 6 slices of 1000 rows, 4 points in one batch each. */
export const SMALL_SMA_SPEC = { ...SMA_SPEC, params: { fast: [5, 20], slow: [50, 100] }, split: { kind: "rows" as const, rows: 1000 } };

/**
 * What `shoal run` prints for the SMA sweep on an engine (canonical JSON, without the
 * newline): the reference every distributed run's result, canonicalised, must equal.
 */
export function shoalRunSma(engine: EngineName = "fengari"): Promise<string> {
  return shoalRunSmaWith(engine, ["--param", "fast=5,10,20,50", "--param", "slow=50,100,150,200", "--split", "rows=500"]);
}

/** What `shoal run` prints for {@link SMALL_SMA_SPEC} (canonical JSON, without the newline). */
export function shoalRunSmallSma(): Promise<string> {
  return shoalRunSmaWith("fengari", ["--param", "fast=5,20", "--param", "slow=50,100", "--split", "rows=1000"]);
}

function shoalRunSmaWith(engine: EngineName, sweep: string[]): Promise<string> {
  const args = ["apps/cli/bin/shoal.js", "run", "examples/sma-crossover.lua", "--data", "public/datasets/sp500.csv", "--engine", engine];
  args.push(...sweep, "--halo", "250", "--threads", "2");
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT_DIR, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout.trimEnd());
    });
  });
}

/** Reads Server-Sent Events from a fetch response until `until` returns true for one, or the stream ends. */
export async function readEvents(response: Response, until: (event: string, data: unknown) => boolean): Promise<Array<{ event: string; data: unknown }>> {
  const events: Array<{ event: string; data: unknown }> = [];
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (!reader) throw new Error("no body");
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += value;
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === undefined || data === undefined) continue;
      const parsed: unknown = JSON.parse(data);
      events.push({ event, data: parsed });
      if (until(event, parsed)) {
        await reader.cancel();
        return events;
      }
    }
  }
}

import { describe, expect, it } from "vitest";
import type { JobView } from "@shoal/client";
import { shoalRunCommand } from "./shoalRunCommand.ts";

const spec = (over: Partial<JobView["spec"]>): JobView["spec"] => ({
  engine: "fengari",
  params: {},
  points: 1,
  split: { kind: "none" },
  halo: 0,
  batchSize: 16,
  budget: 1e9,
  seed: 0,
  hasReduce: false,
  scriptBytes: 10,
  ...over,
});

describe("shoalRunCommand", () => {
  it("repeats the grid, split and halo as shoal run flags", () => {
    const command = shoalRunCommand(spec({ params: { fast: [5, 10], slow: [50] }, split: { kind: "rows", rows: 500 }, halo: 250 }), "job.lua", "sp500.csv");
    expect(command).toBe("npx shoal run job.lua --data sp500.csv --param fast=5,10 --param slow=50 --split rows=500 --halo 250");
  });

  it("quotes words the shell would split, and leaves defaults out", () => {
    expect(shoalRunCommand(spec({ params: { name: ["a b", "it's"] }, split: { kind: "window", ms: 86_400_000 * 365 } }), "my job.lua", "d.csv")).toBe(
      "npx shoal run 'my job.lua' --data d.csv --param 'name=a b,it'\\''s' --split window=365d",
    );
  });

  it("names the engine and a budget other than the default", () => {
    expect(shoalRunCommand(spec({ engine: "wasmoon", budget: "off" }), "job.lua", "d.csv")).toBe("npx shoal run job.lua --data d.csv --engine wasmoon --budget off");
    expect(shoalRunCommand(spec({ budget: 5e6 }), "job.lua", "d.csv")).toBe("npx shoal run job.lua --data d.csv --budget 5e6");
  });

  it("carries the batch size, the job's deadline and its seed, which a local run needs to agree", () => {
    expect(shoalRunCommand(spec({ batchSize: 4, deadlineMs: 120_000, seed: 7 }), "job.lua", "d.csv")).toBe("npx shoal run job.lua --data d.csv --batch 4 --deadline 2m --seed 7");
    expect(shoalRunCommand(spec({ deadlineMs: 1500 }), "job.lua", "d.csv")).toBe("npx shoal run job.lua --data d.csv --deadline 1500ms");
  });
});

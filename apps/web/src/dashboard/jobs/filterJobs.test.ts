import type { JobView } from "@shoal/client";
import { describe, expect, it } from "vitest";
import type { StatusFilter } from "./filterJobs.ts";
import { filterJobs } from "./filterJobs.ts";

const job = (id: string, status: JobView["status"], title: string | undefined, dataset: string, engine = "fengari") =>
  ({ id, status, dataset, spec: { engine, ...(title === undefined ? {} : { title }) } }) as unknown as JobView;

const JOBS = [
  job("j_1", "running", "SMA-crossover sweep", "d_sp"),
  job("j_2", "done", "Volatility regimes", "d_sp", "wasmoon"),
  job("j_3", "failed", undefined, "d_fx"),
  job("j_4", "queued", "Walk-forward", "d_fx"),
  job("j_5", "cancelled", "SMA-crossover sweep", "d_fx"),
];
const NAMES = new Map([
  ["d_sp", "sp500"],
  ["d_fx", "eurusd hourly"],
]);

describe("filterJobs", () => {
  it.each<[StatusFilter, string, string[]]>([
    ["all", "", ["j_1", "j_2", "j_3", "j_4", "j_5"]],
    ["active", "", ["j_1", "j_4"]],
    ["done", "", ["j_2"]],
    ["failed", "", ["j_3"]],
    ["cancelled", "", ["j_5"]],
    ["all", "sma", ["j_1", "j_5"]],
    ["active", "sma", ["j_1"]],
    ["all", "EURUSD", ["j_3", "j_4", "j_5"]],
    ["all", "wasmoon", ["j_2"]],
    ["all", " j_3 ", ["j_3"]],
    ["all", "nothing like it", []],
  ])("%s + %j", (status, text, ids) => {
    expect(filterJobs(JOBS, status, text, NAMES).map((j) => j.id)).toEqual(ids);
  });
});

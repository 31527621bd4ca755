import { describe, expect, it } from "vitest";
import { parseTemplate } from "./parseTemplate.ts";

describe("parseTemplate", () => {
  it("reads title, description and run options from the header comment", () => {
    const script = [
      "-- SMA-crossover sweep: long when the `fast` average is above the slow one.",
      "--",
      "--   npx shoal run examples/sma-crossover.lua --data public/datasets/sp500.csv \\",
      "--     --param fast=5,10 --param slow=50,100 --split rows=500 --halo 250",
      "",
      "function map(series, p) end",
    ].join("\n");
    expect(parseTemplate("sma-crossover", script)).toEqual({
      id: "sma-crossover",
      title: "SMA-crossover sweep",
      description: "long when the fast average is above the slow one.",
      script,
      params: ["fast=5,10", "slow=50,100"],
      split: "rows=500",
      halo: 250,
    });
  });

  it("falls back to the file name and no options", () => {
    expect(parseTemplate("plain", "function map() end")).toMatchObject({ title: "plain", description: "", params: [], split: "none", halo: 0 });
  });
});

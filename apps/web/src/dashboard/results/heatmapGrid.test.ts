import { describe, expect, it } from "vitest";
import { heatmapGrid } from "./heatmapGrid.ts";

const sweep = {
  best: { fast: 20, slow: 50, sharpe: 0.61 },
  runs: [
    { fast: 5, slow: 50, n: 10, sharpe: 0.125, trades: 3 },
    { fast: 5, slow: 150, n: 10, sharpe: -0.5, trades: 1 },
    { fast: 20, slow: 50, n: 10, sharpe: 0.61, trades: 2 },
    { fast: 20, slow: 150, n: 10, sharpe: 0.1 + 0.2, trades: 0 },
  ],
};

describe("heatmapGrid", () => {
  it("lays a metric over two parameters, averaging rows that share a cell", () => {
    const rows = [...sweep.runs, { fast: 5, slow: 50, sharpe: 0.375 }];
    expect(heatmapGrid(rows, "fast", "slow", "sharpe")).toEqual({
      xs: [5, 20],
      ys: [50, 150],
      values: [
        [0.25, 0.61],
        [-0.5, 0.30000000000000004],
      ],
      min: -0.5,
      max: 0.61,
    });
  });

  it("leaves missing cells null and gives nothing for a metric without numbers", () => {
    const grid = heatmapGrid([{ a: 1, b: 1, m: 3 }, { a: 2, b: 2, m: 5 }], "a", "b", "m");
    expect(grid?.values).toEqual([
      [3, null],
      [null, 5],
    ]);
    expect(heatmapGrid([{ a: 1, b: 1, m: "x" }], "a", "b", "m")).toBeUndefined();
  });
});

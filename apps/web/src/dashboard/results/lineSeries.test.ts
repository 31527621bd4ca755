import { describe, expect, it } from "vitest";
import { lineSeries, timeColumn, timeColumns } from "./lineSeries.ts";

const sweep = {
  best: { fast: 20, slow: 50, sharpe: 0.61 },
  runs: [
    { fast: 5, slow: 50, n: 10, sharpe: 0.125, trades: 3 },
    { fast: 5, slow: 150, n: 10, sharpe: -0.5, trades: 1 },
    { fast: 20, slow: 50, n: 10, sharpe: 0.61, trades: 2 },
    { fast: 20, slow: 150, n: 10, sharpe: 0.1 + 0.2, trades: 0 },
  ],
};

describe("lineSeries", () => {
  const rows = [
    { key: "s", from: 946857600000, threshold: 0.15, share: 0.8 },
    { key: "s", from: 946857600000, threshold: 0.25, share: 0.3 },
    { key: "s", from: 977788800000, threshold: 0.15, share: 0.85 },
  ];

  it("finds the time column of results over time", () => {
    expect(timeColumn(["key", "from", "threshold", "share"], rows)).toBe("from");
    expect(timeColumn(["fast", "slow"], sweep.runs)).toBeUndefined();
    expect(timeColumn(["from"], [{ from: 3 }, { from: 4 }])).toBeUndefined();
    expect(timeColumns(["key", "to", "from", "end", "days"], [{ key: "s", to: 977443200000, from: 946857600000, end: 5, days: 2e11 }])).toEqual(["to", "from"]);
  });

  it("makes one line per group over shared x values", () => {
    expect(lineSeries(rows, "from", "share", ["threshold"])).toEqual({
      xs: [946857600000, 977788800000],
      lines: [
        { label: "threshold=0.15", values: [0.8, 0.85] },
        { label: "threshold=0.25", values: [0.3, null] },
      ],
    });
    expect(lineSeries(rows, "from", "share", []).lines).toEqual([{ label: "share", values: [0.55, 0.85] }]);
  });
});

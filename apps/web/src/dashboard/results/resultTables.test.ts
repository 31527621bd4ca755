import { describe, expect, it } from "vitest";
import { resultTables, tableLabel } from "./resultTables.ts";
import { tableCsv } from "./tableCsv.ts";

const sweep = {
  best: { fast: 20, slow: 50, sharpe: 0.61 },
  runs: [
    { fast: 5, slow: 50, n: 10, sharpe: 0.125, trades: 3 },
    { fast: 5, slow: 150, n: 10, sharpe: -0.5, trades: 1 },
    { fast: 20, slow: 50, n: 10, sharpe: 0.61, trades: 2 },
    { fast: 20, slow: 150, n: 10, sharpe: 0.1 + 0.2, trades: 0 },
  ],
};

describe("resultTables", () => {
  it("finds a reduce's runs, with parameter columns first", () => {
    const [runs, ...rest] = resultTables(sweep, ["slow", "fast"]);
    expect(runs!.path).toBe("$.runs");
    expect(runs!.columns).toEqual(["slow", "fast", "n", "sharpe", "trades"]);
    expect(runs!.rows[3]).toEqual({ fast: 20, slow: 150, n: 10, sharpe: 0.30000000000000004, trades: 0 });
    expect(rest).toEqual([]);
  });

  it("takes map outputs as rows, flattens nested objects and keeps arrays as JSON", () => {
    const [table] = resultTables([{ key: "a", m: { x: 1, y: { z: 2 } }, xs: [1, 2] }, { key: "b", extra: null }]);
    expect(table).toEqual({
      path: "$",
      columns: ["key", "m.x", "m.y.z", "xs", "extra"],
      rows: [{ key: "a", "m.x": 1, "m.y.z": 2, xs: "[1,2]" }, { key: "b", extra: null }],
    });
  });

  it("lists several tables largest first, and makes one row of a plain value or object", () => {
    const tables = resultTables({ out: [{ a: 1 }], folds: [{ b: 1 }, { b: 2 }], scalars: [1, 2] });
    expect(tables.map((t) => t.path)).toEqual(["$.folds", "$.out"]);
    expect(resultTables(42)).toEqual([{ path: "$", columns: ["value"], rows: [{ value: 42 }] }]);
    expect(resultTables({ total: 3 })[0]!.rows).toEqual([{ total: 3 }]);
    expect(resultTables([1, "x"])[0]!.rows).toEqual([{ value: 1 }, { value: "x" }]);
  });
});

describe("tableCsv", () => {
  it("writes a header and rows, numbers in shortest round-trip form, quoting where needed", () => {
    const [runs] = resultTables(sweep, ["fast", "slow"]);
    const csv = tableCsv(runs!);
    expect(csv.split("\n")[0]).toBe("fast,slow,n,sharpe,trades");
    expect(csv.split("\n")[4]).toBe("20,150,10,0.30000000000000004,0");
    expect(csv.endsWith("\n")).toBe(true);
    const odd = tableCsv({ path: "$", columns: ["a", "b,c"], rows: [{ a: 'say "hi"', "b,c": null }, { a: "x\ny" }] });
    expect(odd).toBe('a,"b,c"\n"say ""hi""",\n"x\ny",\n');
  });
});

describe("tableLabel", () => {
  it.each([
    ["$", "result"],
    ["$.folds", "folds"],
    ["$.best.trades", "best › trades"],
  ])("%s → %s", (path, label) => {
    expect(tableLabel(path)).toBe(label);
  });
});

import { describe, expect, it } from "vitest";
import { numberColumns } from "./numberColumns.ts";
import type { Row } from "./resultTables.ts";

describe("numberColumns", () => {
  it("keeps columns of numbers with gaps, and drops text, booleans and empty columns", () => {
    const rows: Row[] = [
      { fast: 5, sharpe: 0.4, name: "a", ok: true, gap: null },
      { fast: 10, sharpe: null, name: "b", ok: false, gap: null },
      { fast: 20, name: "c", ok: true, mixed: "x", gap: null },
      { fast: 50, sharpe: 0.1, name: "d", ok: true, mixed: 3, gap: null },
    ];
    expect(numberColumns(["fast", "sharpe", "name", "ok", "mixed", "gap", "absent"], rows)).toEqual(["fast", "sharpe"]);
  });
});

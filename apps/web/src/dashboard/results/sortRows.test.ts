import { describe, expect, it } from "vitest";
import { sortRows } from "./sortRows.ts";
import type { Row } from "./resultTables.ts";

describe("sortRows", () => {
  it("sorts numbers by value either way, empty cells last", () => {
    const rows: Row[] = [{ v: 2 }, { v: null }, { v: -1 }, { v: 10 }, {}];
    expect(sortRows(rows, { column: "v", descending: false }).map((r) => r.v)).toEqual([-1, 2, 10, null, undefined]);
    expect(sortRows(rows, { column: "v", descending: true }).map((r) => r.v)).toEqual([10, 2, -1, null, undefined]);
    expect(sortRows([{ k: "b" }, { k: 1 }, { k: "a" }], { column: "k", descending: false }).map((r) => r.k)).toEqual([1, "a", "b"]);
  });
});

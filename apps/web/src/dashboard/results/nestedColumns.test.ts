import { describe, expect, it } from "vitest";
import { nestedColumns, nestedText } from "./nestedColumns.ts";

describe("nestedColumns", () => {
  it("finds columns whose every value is an array's JSON text", () => {
    const rows = [
      { fold: 1, test: '[{"bars":127}]', note: "[draft]", tags: "[]" },
      { fold: 2, test: '[{"bars":124},{"bars":3}]', note: "[1, 2]", tags: null },
    ];
    expect(nestedColumns(["fold", "test", "note", "tags"], rows)).toEqual(["test", "tags"]);
  });

  it("says how many items a cell holds", () => {
    expect(nestedText('[{"a":1},{"a":2},{"a":3}]')).toBe("3 items");
    expect(nestedText("[5]")).toBe("1 item");
    expect(nestedText("[]")).toBe("none");
    expect(nestedText(null)).toBe("none");
  });
});

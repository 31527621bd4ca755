import { describe, expect, it } from "vitest";
import { fileLine, replayBatches } from "./replayBatches.ts";

const CSV = "date,close\n2020-01-01,1\n2020-01-02,2\n\n2020-01-03,3\r\n2020-01-06,4\n";

describe("replayBatches", () => {
  it("sends the bars in file order, batch by batch, each under the header", () => {
    expect(replayBatches(CSV, 3)).toEqual([
      { body: "date,close\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n", lines: [2, 3, 5] },
      { body: "date,close\n2020-01-06,4\n", lines: [6] },
    ]);
    expect(replayBatches(CSV, 1).map((b) => b.lines)).toEqual([[2], [3], [5], [6]]);
  });

  it.each([
    ["", /line 1: expected the header/],
    ["date,close\n\n", /no bars after the header/],
    ['date,note\n2020-01-01,"two\nlines"\n', /line 2: a quoted field spans lines/],
  ])("refuses %j with the reason", (text, reason) => {
    expect(() => replayBatches(text, 1)).toThrow(reason);
  });

  it("keeps quoted commas on one line", () => {
    expect(replayBatches('date,note\n2020-01-01,"a, b"\n', 1)[0]!.body).toBe('date,note\n2020-01-01,"a, b"\n');
  });
});

describe("fileLine", () => {
  it("turns the line the coordinator names in a batch's body into the file's line", () => {
    const [first, second] = replayBatches(CSV, 3);
    expect([fileLine(first!, 4), fileLine(second!, 2), fileLine(second!, 3)]).toEqual([5, 6, undefined]);
  });
});

import { describe, expect, it } from "vitest";
import { capLog } from "./capLog.ts";

describe("capLog", () => {
  it("joins lines with newlines when they fit", () => {
    expect(capLog(["a", "bc"], 100)).toEqual({ log: "a\nbc\n", truncated: false });
    expect(capLog([], 10)).toEqual({ log: "", truncated: false });
  });

  it("cuts at the byte limit, marks it, and never splits a character", () => {
    expect(capLog(["abcdef"], 4)).toEqual({ log: "abcd", truncated: true });
    const cut = capLog(["ab", "ééé"], 6);
    expect(cut).toEqual({ log: "ab\né", truncated: true });
    expect(new TextEncoder().encode(cut.log).byteLength).toBeLessThanOrEqual(6);
  });

  it("keeps 1,001 lines of 64 KiB (the protocol's most) to the limit", () => {
    const { log, truncated } = capLog(Array.from({ length: 1001 }, () => "x".repeat(64 * 1024)), 16 * 1024);
    expect(truncated).toBe(true);
    expect(log.length).toBe(16 * 1024);
  });
});

import { expect, it } from "vitest";
import { CallLog } from "./CallLog.ts";

it("keeps lines up to the byte cap, then one truncation line", () => {
  const log = new CallLog(10);
  log.add("abcd", 4);
  log.add("éé", 4);
  log.add("x", 1);
  log.add("y", 1);
  expect(log.lines).toEqual(["abcd", "éé", "... log truncated"]);
  expect(log.truncated).toBe(true);
});

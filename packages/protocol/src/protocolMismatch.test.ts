import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "./messages.ts";
import { protocolMismatch } from "./protocolMismatch.ts";

describe("protocolMismatch", () => {
  it("names both versions and asks an older volunteer to upgrade", () => {
    expect(protocolMismatch(1, 2)).toBe(
      "this volunteer speaks Shoal protocol 1 and the coordinator protocol 2: please upgrade the volunteer (npm install -g shoal@latest, or reload the donor page)",
    );
  });

  it("says the coordinator is the older one when the volunteer is newer", () => {
    expect(protocolMismatch(PROTOCOL_VERSION + 1)).toMatch(new RegExp(`protocol ${PROTOCOL_VERSION + 1} and the coordinator protocol ${PROTOCOL_VERSION}: the coordinator is older; please upgrade it`));
  });
});

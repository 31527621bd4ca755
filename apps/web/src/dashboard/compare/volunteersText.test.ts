import { describe, expect, it } from "vitest";
import { volunteersText } from "./volunteersText.ts";

describe("volunteersText", () => {
  it("names those with results taken, then all that ran tasks, and says none before any ran", () => {
    expect(volunteersText({ attempted: 3, accepted: 2 })).toBe("2 with results taken (3 ran tasks)");
    expect(volunteersText({ attempted: 1, accepted: 0 })).toBe("0 with results taken (1 ran tasks)");
    expect(volunteersText({ attempted: 0, accepted: 0 })).toBe("none yet");
  });
});

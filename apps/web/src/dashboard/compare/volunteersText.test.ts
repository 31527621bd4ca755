import { describe, expect, it } from "vitest";
import { volunteersText } from "./volunteersText.ts";

describe("volunteersText", () => {
  it("names those with results taken, then all that ran tasks", () => {
    expect(volunteersText({ attempted: 3, accepted: 2 }, true)).toBe("2 with results taken (3 ran tasks)");
    expect(volunteersText({ attempted: 1, accepted: 0 }, false)).toBe("0 with results taken (1 ran tasks)");
  });

  it("says none yet while the job runs, and not recorded once it ended with no attempt in its history", () => {
    expect(volunteersText({ attempted: 0, accepted: 0 }, false)).toBe("none yet");
    expect(volunteersText({ attempted: 0, accepted: 0 }, true)).toBe("not recorded");
  });
});

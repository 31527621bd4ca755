import { describe, expect, it } from "vitest";
import { loadProfile, profileProblems, toProfile } from "./donorProfile.ts";

const storage = (text: string | null) => ({ getItem: () => text });

describe("the donor's profile on the page", () => {
  it("finds nothing wrong with plain names or with none", () => {
    expect(profileProblems({ name: "Ada", team: "Engines" })).toEqual({});
    expect(profileProblems({ name: "", team: "" })).toEqual({});
  });

  it("says which field is wrong, as the coordinator would refuse it", () => {
    expect(profileProblems({ name: "Ada\u202E", team: "x".repeat(33) })).toEqual({ name: expect.stringMatching(/^The name may hold only/), team: expect.stringMatching(/^The team has 33 characters/) });
  });

  it("leaves empty fields out of the request", () => {
    expect(toProfile({ name: "Ada", team: "" })).toEqual({ name: "Ada" });
  });

  it("ignores a stored profile that is missing, malformed or holds what the coordinator would refuse", () => {
    expect(loadProfile(storage('{"name":"Ada","team":"Engines"}'))).toEqual({ name: "Ada", team: "Engines" });
    expect(loadProfile(storage('{"name":"","team":""}'))).toEqual({ name: "", team: "" });
    expect(loadProfile(storage(null))).toBeUndefined();
    expect(loadProfile(storage("{"))).toBeUndefined();
    expect(loadProfile(storage('{"name":"A\\u0000","team":""}'))).toBeUndefined();
    expect(loadProfile(storage('{"name":42,"team":""}'))).toBeUndefined();
  });
});

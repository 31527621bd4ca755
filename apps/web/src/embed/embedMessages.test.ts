import { describe, expect, it } from "vitest";
import { parseToFrame } from "./embedMessages.ts";

describe("parseToFrame: what a host page may ask of the embed frame", () => {
  it.each<[string, unknown, unknown]>([
    ["show", { shoal: "show" }, { shoal: "show" }],
    ["pause", { shoal: "pause" }, { shoal: "pause" }],
    ["the old start, which no longer exists", { shoal: "start" }, undefined],
    ["a forged consent", { shoal: "allow" }, undefined],
    ["show with an extra field", { shoal: "show", consent: true }, undefined],
    ["a bare string", "show", undefined],
    ["null", null, undefined],
    ["an array", [{ shoal: "show" }], undefined],
    ["a number kind", { shoal: 1 }, undefined],
    ["a prototype trick", JSON.parse('{"__proto__": {"shoal": "show"}}'), undefined],
  ])("%s", (_name, data, expected) => {
    expect(parseToFrame(data)).toEqual(expected);
  });
});

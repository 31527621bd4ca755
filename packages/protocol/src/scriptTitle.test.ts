import { describe, expect, it } from "vitest";
import { scriptTitle } from "./scriptTitle.ts";

describe("scriptTitle", () => {
  it.each([
    ["-- SMA-crossover sweep: long when the fast average is above the slow one.\nfunction map() end", "SMA-crossover sweep"],
    ["\n\n-- Bollinger breakout, vectorised. More text\n", "Bollinger breakout, vectorised"],
    ["#!/usr/bin/env lua\n-- Runs on v1.2 data\n", "Runs on v1.2 data"],
    ["--\n-- second line names it\n", "second line names it"],
    ["--[[ A block comment title ]]\n", "A block comment title"],
    [`-- ${"x".repeat(120)}`, `${"x".repeat(79)}…`],
    ["function map() end\n-- late comment", undefined],
    ["", undefined],
  ])("%j → %j", (script, title) => {
    expect(scriptTitle(script)).toBe(title);
  });
});

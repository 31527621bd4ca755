import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findNativeLua } from "./nativeLua.ts";

/**
 * Lua that turns each value of `exprs` into text the same way on every Lua: `tostring`,
 * then the bytes as hex (so a result's exact bytes survive JSON and stdout), or "error: "
 * and the message when evaluating it raises.
 */
export function hexResultsLua(exprs: readonly string[]): string {
  const calls = exprs.map((e) => `  out[#out + 1] = hex(pcall(function() return ${e} end))`).join("\n");
  return `local out = {}
local function hex(ok, v)
  local s = tostring(v)
  if not ok then return "error: " .. s end
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
${calls}
`;
}

/**
 * What native Lua 5.4 gives for each of `exprs` (see hexResultsLua), evaluated in one
 * lua5.4 process so a whole table of cases costs one spawn. The chunk is job.lua and starts
 * one line down, as hexResultsLua does inside `mapBody`, so error messages match too.
 */
export function nativeResults(exprs: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "shoal-lua54-"));
  writeFileSync(join(dir, "job.lua"), `\n${hexResultsLua(exprs)}for i = 1, #out do io.write(out[i], "\\n") end\n`);
  const run = spawnSync(findNativeLua(), ["job.lua"], { cwd: dir, encoding: "utf8" });
  rmSync(dir, { recursive: true });
  if (run.status !== 0) throw new Error(`lua5.4 failed: ${run.stderr}`);
  const lines = run.stdout.split("\n").slice(0, -1);
  if (lines.length !== exprs.length) throw new Error(`lua5.4 gave ${lines.length} results for ${exprs.length} cases`);
  return lines.map(readable);
}

/** A hexResultsLua line as text: the value's bytes as Latin-1 (so every byte shows), or the error as is. */
export function readable(line: string): string {
  return line.startsWith("error: ") ? line : Buffer.from(line, "hex").toString("latin1");
}

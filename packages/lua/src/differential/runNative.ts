import { spawnSync } from "node:child_process";
import { nativeScript } from "./driver.ts";

/**
 * Runs every case source on native Lua 5.4 (`lua` is its path) in one process and returns
 * each case's outcome line, in order (see driver.ts). One spawn for the whole batch keeps a
 * corpus of hundreds of cases to a few milliseconds.
 */
export function runNative(lua: string, caseSources: readonly string[]): string[] {
  if (caseSources.length === 0) return [];
  const run = spawnSync(lua, ["-"], { input: Buffer.from(nativeScript(caseSources), "utf8"), encoding: "latin1", maxBuffer: 256 << 20 });
  if (run.error) throw run.error;
  const lines = run.stdout.split("\n");
  lines.pop();
  if (run.status !== 0 || lines.length !== caseSources.length) {
    throw new Error(`native ${lua} ran ${lines.length} of ${caseSources.length} cases (exit ${run.status}): ${run.stderr.trim()}`);
  }
  return lines;
}

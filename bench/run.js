#!/usr/bin/env node
// Runs the benchmarks (`npm run bench`, or `npm run bench -- lua` for one) and prints their tables.
import { spawnSync } from "node:child_process";
import { readdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(here, entry.name, "bench.ts")))
  .map((entry) => entry.name)
  .filter((name) => wanted.length === 0 || wanted.includes(name));

let failed = false;
for (const name of benches) {
  console.log(`\n## bench/${name}\n`);
  const run = spawnSync(process.execPath, ["--import", "tsx", join(here, name, "bench.ts")], { stdio: "inherit" });
  if (run.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * Finds a Debian program the tests run: `envVar` when set, else the first of `bins` on the
 * PATH, else — when running as root on Debian — installs `pkg` with apt-get. A program counts
 * as found when `bin ...probe` exits 0. Never downloads anything else (there is no network but
 * the registries).
 */
export function findDebianProgram(bins: readonly string[], pkg: string, envVar: string, probe: readonly string[] = ["-v"]): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (spawnSync(fromEnv, probe).status !== 0) throw new Error(`${envVar}=${fromEnv} does not run`);
    return fromEnv;
  }
  const runs = (bin: string) => spawnSync(bin, probe).status === 0;
  const found = bins.find(runs);
  if (found) return found;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.error(`installing Debian's ${pkg} (apt-get)…`);
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", pkg], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    const installed = bins.find(runs);
    if (installed) return installed;
  }
  throw new Error(`no ${bins[0]} found: install Debian's ${pkg} (apt-get install ${pkg}) or set ${envVar}=/path/to/${bins[0]}`);
}

/** Native Lua 5.4 (Debian's `lua5.4`), the reference every engine's answers are compared with. `SHOAL_LUA` overrides. */
export function findNativeLua(): string {
  return findDebianProgram(["lua5.4"], "lua5.4", "SHOAL_LUA");
}

/** LuaJIT (Debian's `luajit`), for benches. `SHOAL_LUAJIT` overrides. */
export function findLuajit(): string {
  return findDebianProgram(["luajit"], "luajit", "SHOAL_LUAJIT");
}

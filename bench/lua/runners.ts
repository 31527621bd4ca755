// The runners bench/lua measures, each in its own process: native lua5.4 over the kernel, and
// one engine configuration through bench/lua/sweep.ts. Both give CPU milliseconds per sweep.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PLAIN_LUA, POINTS, WALK_LUA } from "./kernels.ts";
import type { SweepConfig, SweepReport } from "./sweep.ts";

const execFileAsync = promisify(execFile);
const SWEEP = fileURLToPath(new URL("./sweep.ts", import.meta.url));

/** One runner's sweeps: the first (cold), the best and median of the later ones, in CPU ms. */
export interface Row {
  name: string;
  hook: string;
  /** Per-sweep CPU ms of taking the data in (wasmoon), subtracted for the kernel-only ratio. */
  overhead?: number;
  cold: number | null;
  best: number;
  warmed: number;
  rssMb: number | null;
  results: string;
  /** Each point's sharpe and trades at full precision. */
  values: Array<[number, number]>;
}

/**
 * Whether `row`'s answers are `reference`'s: "bit for bit", or, when only the sharpes' last
 * digits differ (the `ts` backtest rounds exact sums once where the loop rounds at every bar),
 * by how much at most, relative; "NO" when a trade count differs or a sharpe is further off.
 */
export function agreement(row: Row, reference: Row): string {
  const pairs = row.values.map((v, i) => [v, reference.values[i] ?? [NaN, NaN]] as const);
  if (pairs.length !== reference.values.length || pairs.some(([[, t], [, u]]) => t !== u)) return `NO: ${row.results}`;
  const off = Math.max(0, ...pairs.map(([[s], [r]]) => (Object.is(s, r) ? 0 : Math.abs(s - r) / Math.abs(r))));
  if (off === 0) return "yes, bit for bit";
  return off <= 1e-9 ? `yes; sharpe off by ≤ ${off.toExponential(1)} relative` : `NO: ${row.results} (sharpe off by ${off.toExponential(1)})`;
}

/** The middle of `xs` (the upper one of an even count). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Native Lua's binary, or null when neither lua5.4 nor lua is installed. */
export const NATIVE_LUA = ["lua5.4", "lua"].find((bin) => spawnSync(bin, ["-v"]).status === 0) ?? null;

/** The kernel under native Lua over `bars` bars, `repeats` sweeps in one process. */
export function nativeLua(bars: number, repeats: number): Row | string {
  if (NATIVE_LUA === null) return "native lua5.4 not installed (Debian: apt-get install lua5.4): skipped";
  const { times, results, values, rssKb } = nativeSweeps(NATIVE_LUA, bars, repeats);
  return {
    name: `native ${NATIVE_LUA}`,
    hook: "none",
    cold: times[0]!,
    best: Math.min(...times.slice(1)),
    warmed: median(times.slice(1)),
    rssMb: rssKb === null ? null : rssKb / 1024,
    results,
    values,
  };
}

/**
 * The kernel under a native interpreter (`lua5.4`, `luajit`: both read "a" and os.clock alike):
 * `repeats` sweeps over `bars` bars in one process, CPU ms each (os.clock), the sweep's results
 * and the process's peak RSS in KiB (null where /proc is not there).
 */
export function nativeSweeps(bin: string, bars: number, repeats: number): NativeSweeps {
  return parseNativeSweeps(execFileSync(bin, [nativeKernelFile(bars, repeats)], { encoding: "utf8" }));
}

/**
 * Native lua5.4's best sweep in each of `copies` processes run at once, as ms per point, their
 * median: native with every core as busy as a grid row's volunteers keep them (on a machine whose
 * cores share caches or hyperthreads, one process alone runs faster than each of two together).
 */
export async function nativeLuaBusy(bars: number, repeats: number, copies: number): Promise<number | string> {
  if (NATIVE_LUA === null) return "native lua5.4 not installed";
  const file = nativeKernelFile(bars, repeats);
  const runs = await Promise.all(Array.from({ length: copies }, () => execFileAsync(NATIVE_LUA!, [file], { encoding: "utf8" })));
  return median(runs.map(({ stdout }) => Math.min(...parseNativeSweeps(stdout).times.slice(1)) / POINTS.length));
}

interface NativeSweeps {
  times: number[];
  results: string;
  values: Array<[number, number]>;
  rssKb: number | null;
}

function parseNativeSweeps(stdout: string): NativeSweeps {
  const lines = stdout.trim().split("\n");
  const rss = Number(lines.pop()!.split(" ")[1]);
  const [shown, exact] = lines[0]!.split(" | ") as [string, string];
  const values = exact.split(" ").map((v) => v.split("/").map(Number) as [number, number]);
  return { times: lines.map((line) => Number(line.split(" ")[0])), results: shown.split(" ").slice(1).join(" "), values, rssKb: Number.isFinite(rss) ? rss : null };
}

/** A Lua file that runs the kernel's sweep `repeats` times over `bars` bars, printing each sweep's CPU ms and results, then its peak RSS. */
function nativeKernelFile(bars: number, repeats: number): string {
  const file = join(mkdtempSync(join(tmpdir(), "shoal-bench-")), "kernel.lua");
  const points = POINTS.map((p) => `{${p.fast},${p.slow}}`).join(",");
  writeFileSync(
    file,
    `${WALK_LUA}${PLAIN_LUA}
local close = walk(${bars})
for rep = 1, ${repeats} do
  local t0 = os.clock()
  local out, exact = {}, {}
  for _, p in ipairs({${points}}) do
    local s, t = backtest(close, p[1], p[2])
    out[#out + 1] = string.format("%.9f/%d", s, t)
    exact[#exact + 1] = string.format("%.17g/%d", s, t)
  end
  print(string.format("%.3f", (os.clock() - t0) * 1000) .. " " .. table.concat(out, " ") .. " | " .. table.concat(exact, " "))
end
local status = io.open("/proc/self/status")
local peak = status and status:read("a"):match("VmHWM:%s*(%d+)")
print("rss " .. (peak or "-"))
`,
  );
  return file;
}

/** One engine configuration through sweep.ts, in a fresh process. */
export function child(name: string, hook: string, config: SweepConfig): Row {
  const out = execFileSync(process.execPath, ["--import", "tsx", SWEEP, JSON.stringify(config)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  const report = JSON.parse(out) as SweepReport;
  const later = report.times.slice(1);
  return { name, hook, cold: report.times[0]!, best: Math.min(...later), warmed: median(later), rssMb: report.maxRssMb, results: report.results, values: report.values };
}

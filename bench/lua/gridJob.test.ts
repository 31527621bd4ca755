import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AttemptView } from "@shoal/protocol";
import { figureCells, gridFigures, resultsOf, SCRIPT, spanTable, statCpuMs, TASKS, wallSpans, WORKERS } from "./gridJob.ts";
import { PLAIN_LUA, POINTS, WALK_LUA } from "./kernels.ts";

const NATIVE = "0.123456789/12 -1.500000000/3 2.000000000/0";
const OUTPUTS = [
  { sharpe: 0.1234567891, trades: 12 },
  { sharpe: -1.5, trades: 3 },
  { sharpe: 2, trades: 0 },
  { sharpe: 9, trades: 9 },
];

describe("resultsOf", () => {
  it("formats the first three outputs as native Lua prints them, in task order", () => {
    expect(resultsOf({ outputs: OUTPUTS.map((output, k) => ({ task: k, output })) })).toBe(NATIVE);
  });

  it("keeps exponents and gives fewer than three when the result has fewer", () => {
    expect(resultsOf([{ sharpe: 1.5e-7, trades: 2 }])).toBe("0.000000150/2");
    expect(resultsOf({ outputs: [] })).toBe("");
  });
});

describe("wallSpans", () => {
  const attempt = (peer: string, start: number, end: number | null): AttemptView => ({ task: 0, attempt: 1, peer, start, end, outcome: "result" });

  it("splits each volunteer's wall time into held, between and the two edges, summing to wall × volunteers", () => {
    const attempts = [attempt("a", 110, 200), attempt("b", 105, 300), attempt("a", 230, 400), attempt("b", 310, 480)];
    const spans = wallSpans(attempts, 100, 500, 2);
    expect(spans).toEqual({ held: 90 + 170 + 195 + 170, between: 30 + 10, edges: 10 + 100 + 5 + 20 });
    expect(spans.held + spans.between + spans.edges).toBe(400 * 2);
  });

  it("counts overlapping attempts of one volunteer once, a running one to the end, and an unreached volunteer as all edges", () => {
    const spans = wallSpans([attempt("a", 0, 100), attempt("a", 50, 150), attempt("a", 160, null)], 0, 200, 2);
    expect(spans).toEqual({ held: 150 + 40, between: 10, edges: 200 });
  });
});

describe("gridFigures", () => {
  const run = (wallMs: number, cpuMs: number, results = NATIVE) => ({ wallMs, cpuMs, results, spans: { held: wallMs, between: wallMs / 2, edges: 0 }, coordinatorCpuMs: wallMs / 10 });

  it("takes medians and spreads the wall time over the volunteer cores", () => {
    const f = gridFigures([run(1200, 2400), run(600, 6000), run(900, 3600)], NATIVE);
    expect(f.wallMs).toBe(900);
    expect(f.perCoreMs).toBe((900 * WORKERS) / TASKS);
    expect(f.cpuPerPointMs).toBe(3600 / TASKS);
    expect(f.agree).toBe("yes");
  });

  it("gives the executor threads' CPU per point only when every job measured it", () => {
    expect(gridFigures([{ ...run(1, 1), executorCpuMs: 120 }, { ...run(1, 1), executorCpuMs: 240 }], NATIVE).executorCpuPerPointMs).toBe(240 / TASKS);
    expect(gridFigures([{ ...run(1, 1), executorCpuMs: 120 }, run(1, 1)], NATIVE).executorCpuPerPointMs).toBeUndefined();
  });

  it("says NO, with the first job's results, when any job disagrees with native", () => {
    expect(gridFigures([run(1, 1, "x"), run(1, 1)], NATIVE).agree).toBe("NO: x");
    expect(gridFigures([run(1, 1), run(1, 1, "0.1/1")], NATIVE).agree).toBe(`NO: ${NATIVE}`);
  });

  it("gives the median job's spans per point, and prints them as a table", () => {
    const f = gridFigures([run(1200, 2400), run(600, 6000), run(900, 3600)], NATIVE);
    expect(f.spansPerPoint).toEqual({ held: 900 / TASKS, between: 450 / TASKS, edges: 0 });
    expect(f.coordinatorCpuPerPointMs).toBe(90 / TASKS);
    expect(spanTable([{ engine: "wasmoon", figures: f }], 25).at(-1)).toBe(
      `| wasmoon | ${(900 / TASKS).toFixed(1)} | ${(900 / TASKS / 25).toFixed(2)} | ${(450 / TASKS).toFixed(1)} | 0.0 | ${f.perCoreMs.toFixed(1)} | ${(90 / TASKS).toFixed(1)} |`,
    );
  });

  it("sets per core and CPU against native run with every core busy, when measured, and says why when not", () => {
    const f = gridFigures([{ ...run(900, 3600), executorCpuMs: 2400 }], NATIVE);
    expect(spanTable([{ engine: "compiled", figures: f }], 25, 50).at(-1)).toBe(
      `| compiled | ${(900 / TASKS).toFixed(1)} | ${(900 / TASKS / 25).toFixed(2)} | ${(450 / TASKS).toFixed(1)} | 0.0 | ${f.perCoreMs.toFixed(1)} | ${(90 / TASKS).toFixed(1)} | ${(f.perCoreMs / 50).toFixed(2)} | ${(2400 / TASKS / 50).toFixed(2)} |`,
    );
    expect(spanTable([{ engine: "compiled", figures: f }], 25, "native lua5.4 not installed")).toContain("Native with every core busy: native lua5.4 not installed.");
  });

  it("prints ratios against native's ms per point", () => {
    const f = gridFigures([run(600, 1200)], NATIVE);
    expect(figureCells(f, 50)).toBe(`600 | ${((600 * WORKERS) / TASKS).toFixed(1)} | **${((600 * WORKERS) / TASKS / 50).toFixed(2)}** | 100.0 | 2.00`);
  });
});

describe("statCpuMs", () => {
  it("adds utime and stime (ticks of 10 ms) after the last ') ', whatever the thread's name holds", () => {
    const after = "S 1 2 3 4 5 6 7 8 9 10 250 40 0 0";
    expect(statCpuMs(`4242 (DedicatedWorker) ${after}`)).toBe(2900);
    expect(statCpuMs(`4242 (a) b (c) ${after}`)).toBe(2900);
  });

  it("reads this process's own stat", () => {
    expect(statCpuMs(readFileSync("/proc/self/stat", "utf8"))).toBeGreaterThanOrEqual(0);
  });
});

describe("SCRIPT", () => {
  it("runs under native lua5.4 as the job does: task i computes point (i - 1) % 3 + 1", () => {
    const driver = `${WALK_LUA}${SCRIPT}
local series = { close = walk(3000) }
local out = {}
for i = 1, 6 do
  local r = map(series, { i = i })
  out[#out + 1] = string.format("%.9f/%d", r.sharpe, r.trades)
end
print(table.concat(out, " "))
`;
    const printed = execFileSync("lua5.4", ["-"], { input: driver, encoding: "utf8" }).trim().split(" ");
    expect(printed.slice(3)).toEqual(printed.slice(0, 3));
    expect(new Set(printed.slice(0, 3)).size).toBe(3);
    const native = execFileSync("lua5.4", ["-"], {
      input: `${WALK_LUA}${PLAIN_LUA}\nlocal c = walk(3000)\nlocal s, t = backtest(c, ${POINTS[1]!.fast}, ${POINTS[1]!.slow})\nprint(string.format("%.9f/%d", s, t))\n`,
      encoding: "utf8",
    });
    expect(printed[1]).toBe(native.trim());
  });
});

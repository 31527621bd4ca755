import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstDifference, runShoal } from "./runShoal.ts";

const SP500 = "public/datasets/sp500.csv";
const SMA = ["examples/sma-crossover.lua", "--data", SP500, "--param", "fast=5,10,20,50", "--param", "slow=50,100,150,200"];
const dir = mkdtempSync(join(tmpdir(), "shoal-run-"));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("shoal run", () => {
  it("gives the same SMA sweep split into 500-row slices with a 250-row halo on 2 threads as unsplit on 1", async () => {
    const [whole, split] = await Promise.all([
      runShoal(["run", ...SMA, "--threads", "1"]),
      runShoal(["run", ...SMA, "--split", "rows=500", "--halo", "250", "--threads", "2"]),
    ]);
    expect(whole.stderr).not.toMatch(/error/i);
    expect(whole.code).toBe(0);
    expect(split.code).toBe(0);
    const a = JSON.parse(whole.stdout);
    const b = JSON.parse(split.stdout);
    expect(a.runs).toHaveLength(16);
    expect(a.runs[0].n).toBe(5104);
    expect(a.runs.some((r: { trades: number }) => r.trades > 10)).toBe(true);
    expect(firstDifference(a, b)).toBeUndefined();
    expect(whole.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("gives the same SMA sweep split and unsplit on wasmoon, and fengari's numbers to 12 digits", async () => {
    const [whole, split, fengari] = await Promise.all([
      runShoal(["run", ...SMA, "--engine", "wasmoon", "--threads", "1"]),
      runShoal(["run", ...SMA, "--engine", "wasmoon", "--split", "rows=500", "--halo", "250", "--threads", "2"]),
      runShoal(["run", ...SMA, "--threads", "1"]),
    ]);
    expect(whole.code).toBe(0);
    expect(split.code).toBe(0);
    const a = JSON.parse(whole.stdout);
    expect(a.runs).toHaveLength(16);
    expect(firstDifference(a, JSON.parse(split.stdout))).toBeUndefined();
    expect(firstDifference(a, JSON.parse(fengari.stdout), 1e-12)).toBeUndefined();
  });

  it("ends a pathological string.find on wasmoon at the task deadline", async () => {
    const job = file("find.lua", 'function map(series, p)\n  return (("a"):rep(1e5):find(".-.-.-b"))\nend\n');
    const run = await runShoal(["run", job, "--data", SP500, "--engine", "wasmoon", "--deadline", "2s"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^job\.lua: deadline exceeded after 2 s$/m);
  });

  it("differs when the halo is too short for the slow window, so the halo test above has teeth", async () => {
    const [whole, short] = await Promise.all([
      runShoal(["run", ...SMA, "--threads", "1"]),
      runShoal(["run", ...SMA, "--split", "rows=500", "--halo", "20", "--threads", "1"]),
    ]);
    expect(firstDifference(JSON.parse(whole.stdout), JSON.parse(short.stdout))).toBeDefined();
  });

  it("orders map outputs by key, slice start, then point (first --param slowest) and is thread-invariant", async () => {
    const rows = ["time,symbol,close"];
    for (let d = 0; d < 120; d++) {
      const day = new Date(Date.UTC(2021, 0, 1 + d)).toISOString().slice(0, 10);
      rows.push(`${day},ZZZ,${100 + Math.sin(d) * 5}`, `${day},AAA,${50 + d * 0.1 + Math.cos(d)}`);
    }
    const data = file("long.csv", `${rows.join("\n")}\n`);
    const job = file(
      "order.lua",
      `function map(series, p)
         return { key = series.key, t0 = series.time[series.first], a = p.a, b = p.b, rows = #series.time - series.first + 1 }
       end`,
    );
    const args = ["run", job, "--data", data, "--param", "a=1,2", "--param", "b=x,y", "--split", "window=30d", "--halo", "3", "--batch", "3"];
    const [one, two] = await Promise.all([runShoal([...args, "--threads", "1"]), runShoal([...args, "--threads", "2"])]);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const out = JSON.parse(one.stdout) as Array<{ key: string; t0: number; a: number; b: string; rows: number }>;
    const sorted = [...out].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.t0 - y.t0 || x.a - y.a || (x.b < y.b ? -1 : 1)));
    expect(out).toEqual(sorted);
    expect(out.slice(0, 4).map((o) => [o.a, o.b])).toEqual([[1, "x"], [1, "y"], [2, "x"], [2, "y"]]);
    expect(new Set(out.map((o) => o.key))).toEqual(new Set(["AAA", "ZZZ"]));
    const ownedRows = out.filter((o) => o.key === "AAA" && o.a === 1 && o.b === "x").reduce((n, o) => n + o.rows, 0);
    expect(ownedRows).toBe(120);
  });

  it("reports a Lua runtime error as job.lua:LINE with a traceback and exit 1", async () => {
    const job = file("boom.lua", "local function f(x)\n  return x.y.z\nend\nfunction map(series, p)\n  return f({})\nend\n");
    const run = await runShoal(["run", job, "--data", SP500]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^job\.lua:2: attempt to index a nil value/m);
    expect(run.stderr).toMatch(/traceback/);
    expect(run.stdout).toBe("");
  });

  it("warns that a parameter the script reads is not swept, before the Lua error it leads to", async () => {
    const run = await runShoal(["run", "examples/sma-crossover.lua", "--data", SP500, "--param", "fast=5"]);
    expect(run.code).toBe(1);
    const lines = run.stderr.split("\n");
    expect(lines[0]).toBe("shoal: warning: the script reads p.slow, but no --param slow=... is given, so p.slow is nil");
    expect(run.stderr).toMatch(/^job\.lua:\d+: ts\.rolling_mean: /m);
    expect(run.stderr).not.toMatch(/reads p\.fast/);
  });

  it("reports a syntax error before running anything", async () => {
    const job = file("syntax.lua", "function map(series, p)\n  return {\nend\n");
    const run = await runShoal(["run", job, "--data", SP500]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^job\.lua:3: /m);
  });

  it("stops a runaway loop with the instruction budget", async () => {
    const job = file("loop.lua", "function map(series, p)\n  while true do end\nend\n");
    const run = await runShoal(["run", job, "--data", SP500, "--budget", "1000000"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/instruction budget exceeded/);
  });

  it("prints the job line for errors the engines raise inside library functions, on both engines", async () => {
    const job = file("gsub.lua", "function map(series, p)\n  local function g(s)\n    return (s:gsub('.', g))\n  end\n  return g('abc')\nend\n");
    const runs = await Promise.all(["fengari", "wasmoon"].map((engine) => runShoal(["run", job, "--data", SP500, "--engine", engine, "--threads", "1"])));
    for (const run of runs) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^job\.lua:3: (C|JS) stack overflow$/m);
    }
  });

  it("runs --engine compiled to wasmoon's result, and refuses a script with string patterns naming the line", async () => {
    const patterns = file("patterns.lua", "function map(series, p)\n  return (series.key:gsub('a', 'b'))\nend\n");
    const [compiled, wasmoon, refused] = await Promise.all([
      runShoal(["run", ...SMA, "--engine", "compiled", "--threads", "1"]),
      runShoal(["run", ...SMA, "--engine", "wasmoon", "--threads", "1"]),
      runShoal(["run", patterns, "--data", SP500, "--engine", "compiled", "--threads", "1"]),
    ]);
    expect(compiled.code).toBe(0);
    expect(compiled.stdout).toBe(wasmoon.stdout);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/job\.lua:2: method 'gsub' \(string patterns and packing\) is not supported by the compiled engine yet/);
  });

  it("runs wasmoon with the budget off to the same result, and its deadline still ends a runaway loop", async () => {
    const loop = file("spin.lua", "function map(series, p)\n  while true do end\nend\n");
    const [budgeted, off, spin] = await Promise.all([
      runShoal(["run", ...SMA, "--engine", "wasmoon", "--threads", "1"]),
      runShoal(["run", ...SMA, "--engine", "wasmoon", "--budget", "off", "--threads", "1"]),
      runShoal(["run", loop, "--data", SP500, "--engine", "wasmoon", "--budget", "off", "--deadline", "1s"]),
    ]);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toBe(budgeted.stdout);
    expect(spin.code).toBe(1);
    expect(spin.stderr).toMatch(/^job\.lua: deadline exceeded after 1 s$/m);
  });

  it("stops a task that overruns its wall-clock deadline", async () => {
    const job = file("slow.lua", "function map(series, p)\n  while true do end\nend\n");
    const run = await runShoal(["run", job, "--data", SP500, "--deadline", "1s", "--budget", "1000000000000"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^job\.lua: deadline exceeded after 1 s$/m);
  });

  it.each([
    [["examples/sma-crossover.lua"], /--data/],
    [["examples/sma-crossover.lua", "--data", SP500, "--split", "weeks=2"], /--split weeks=2/],
    [["examples/sma-crossover.lua", "--data", SP500, "--param", "fast"], /NAME=V1/],
    [["examples/sma-crossover.lua", "--data", SP500, "--threads", "0"], /--threads/],
    [["examples/sma-crossover.lua", "--data", SP500, "--engine", "luajit"], /--engine luajit: expected fengari or wasmoon/],
    [["examples/sma-crossover.lua", "--data", SP500, "--budget", "of"], /--budget of: expected off or an integer/],
    [["examples/sma-crossover.lua", "--data", SP500, "--deadline", "2h"], /--deadline 2h: at most 60 minutes/],
    [["examples/sma-crossover.lua", "--data", SP500, "--bogus"], /bogus/],
    [["missing.lua", "--data", SP500], /missing\.lua/],
    [["examples/sma-crossover.lua", "--data", "missing.csv"], /missing\.csv/],
  ])("exits 2 with a one-line reason for bad arguments %#", async (args, reason) => {
    const run = await runShoal(["run", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(reason);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("prints the same bytes on both engines: keys sorted, numbers as the quorum rounds them", async () => {
    const job = file(
      "keys.lua",
      'function map(series, p)\n  local t = { zeta = 0.1 + 0.2, alpha = { z = 1, b = math.exp(1) }, mid = "é" }\n  t.beta = #"é"\n  return t\nend\n',
    );
    const [fengari, wasmoon] = await Promise.all([
      runShoal(["run", job, "--data", SP500, "--engine", "fengari"]),
      runShoal(["run", job, "--data", SP500, "--engine", "wasmoon"]),
    ]);
    expect(fengari.code).toBe(0);
    expect(fengari.stdout).toBe('[{"alpha":{"b":2.71828182846,"z":1},"beta":2,"mid":"é","zeta":0.3}]\n');
    expect(wasmoon.stdout).toBe(fengari.stdout);
  });

  it("refuses a script that is not UTF-8, naming the byte, rather than run it altered", async () => {
    const path = join(dir, "latin1.lua");
    writeFileSync(path, Buffer.concat([Buffer.from('function map(series, p)\n  return #"'), Buffer.from([0xe1]), Buffer.from('b"\nend\n')]));
    const run = await runShoal(["run", path, "--data", SP500]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`shoal: ${path} is not valid UTF-8 at byte 36 (0xE1); write such bytes as \\xNN escapes in Lua strings`);
  });

  it("exits 2 naming the line of a bad CSV row", async () => {
    const data = file("bad.csv", "date,close\n2020-01-01,1\n2020-01-02,abc\n");
    const run = await runShoal(["run", "examples/sma-crossover.lua", "--data", data]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.csv: line 3: /);
  });
});

import { describe, expect, it } from "vitest";
import { clusterCpuMs, median, splitTasks } from "./figures.ts";

describe("splitTasks", () => {
  it("splits evenly, the remainder on the first jobs, losing none", () => {
    expect(splitTasks(2000, 3)).toEqual([667, 667, 666]);
    expect(splitTasks(2000, 1)).toEqual([2000]);
    expect(splitTasks(5, 2).reduce((a, b) => a + b, 0)).toBe(5);
  });
});

describe("median", () => {
  it("takes the middle (the upper of two)", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1])).toBe(4);
  });
});

describe("clusterCpuMs", () => {
  const procs = [
    { pid: 10, ppid: 1, cmdline: "/usr/lib/postgresql/15/bin/postgres -D /tmp/a/data -p 5433 -k /tmp/a -h 127.0.0.1 -F ", cpuMs: 100 },
    { pid: 11, ppid: 10, cmdline: "postgres: checkpointer ", cpuMs: 5 },
    { pid: 12, ppid: 10, cmdline: "postgres: postgres shoal_1 127.0.0.1(40000) idle ", cpuMs: 300 },
    { pid: 20, ppid: 1, cmdline: "/usr/lib/postgresql/15/bin/postgres -D /tmp/b/data -p 54330 -k /tmp/b ", cpuMs: 7000 },
    { pid: 21, ppid: 20, cmdline: "postgres: walwriter ", cpuMs: 9 },
    { pid: 30, ppid: 1, cmdline: "node shoal.js coordinator --store postgres://x@127.0.0.1:5433/db -p 5433", cpuMs: 50 },
  ];

  it("adds the postmaster on the port and everything below it, not another cluster or a client naming the port", () => {
    expect(clusterCpuMs(procs, 5433)).toBe(405);
    expect(clusterCpuMs(procs, 54330)).toBe(7009);
  });

  it("refuses a port no postmaster listens on", () => {
    expect(() => clusterCpuMs(procs, 5)).toThrow("no postgres process with -p 5");
  });
});

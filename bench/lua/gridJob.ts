// What bench/lua's grid rows share, whatever their volunteers: the sweep as a job, a real
// `shoal coordinator` on loopback with the walk uploaded, one job timed from submission to
// result, and the figures a row prints from its timed jobs.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShoalClient } from "@shoal/client";
import type { AttemptView, EngineName } from "@shoal/protocol";
import { PLAIN_LUA, POINTS, walk } from "./kernels.ts";
import { median } from "./runners.ts";

const SHOAL = fileURLToPath(new URL("../../apps/cli/bin/shoal.js", import.meta.url));
/** Volunteers per grid row, one thread each. */
export const WORKERS = 2;
/** Each of the 3 points this many times, so both volunteers get the same number of tasks. */
export const COPIES = 4;
/** Tasks per job: one point each. */
export const TASKS = POINTS.length * COPIES;
/** The engines each grid row runs, in order; BENCH_GRID_ENGINES=wasmoon (comma-separated) runs fewer. */
export const ENGINES: readonly EngineName[] = (process.env.BENCH_GRID_ENGINES ?? "wasmoon,compiled,fengari").split(",").map((name) => {
  if (name !== "wasmoon" && name !== "compiled" && name !== "fengari") {
    throw new Error(`BENCH_GRID_ENGINES: unknown engine ${JSON.stringify(name)} (wasmoon, compiled, fengari)`);
  }
  return name;
});
/** A job that has not finished in this long fails the row (BENCH_GRID_JOB_TIMEOUT_MS). */
export const JOB_TIMEOUT_MS = Number(process.env.BENCH_GRID_JOB_TIMEOUT_MS ?? 600_000);

/** The sweep as a job: point `i` is POINTS[(i - 1) % 3 + 1], one point per task. */
export const SCRIPT = `${PLAIN_LUA}
local POINTS = { ${POINTS.map((p) => `{ ${p.fast}, ${p.slow} }`).join(", ")} }
function map(series, p)
  local q = POINTS[(p.i - 1) % #POINTS + 1]
  local s, t = backtest(series.close, q[1], q[2])
  return { sharpe = s, trades = t }
end
`;

/** A `shoal` child process and everything it has printed. */
export interface Proc {
  child: ChildProcess;
  output: string;
}

/** Starts `shoal ARGS…`, collecting stdout and stderr. */
export function startShoal(args: string[]): Proc {
  const child = spawn(process.execPath, [SHOAL, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const proc: Proc = { child, output: "" };
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (proc.output += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (proc.output += s));
  return proc;
}

/** Waits until `proc` has printed `pattern`; its first group, or the match. */
export async function waitFor(proc: Proc, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(proc.output);
    if (match) return match[1] ?? match[0];
    if (proc.child.exitCode !== null || Date.now() > until) throw new Error(`no ${pattern}:\n${proc.output.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A coordinator on loopback with the walk uploaded as a dataset; `close` kills it and removes its files. */
export interface Grid {
  url: string;
  client: ShoalClient;
  dataset: string;
  coordinator: Proc;
  close(): void;
}

/** Starts `shoal coordinator` on `port` (0: any free one) in a temp dir and uploads a walk of `bars` bars. */
export async function startGrid(bars: number, port: number): Promise<Grid> {
  const dir = mkdtempSync(join(tmpdir(), "shoal-bench-grid-"));
  const coordinator = startShoal(["coordinator", "--port", String(port), "--data-dir", join(dir, "data")]);
  const close = () => {
    coordinator.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await waitFor(coordinator, /coordinator: (http:\/\/\S+)/);
    const token = await waitFor(coordinator, /author token[^:]*: (\S+)\n/);
    const client = new ShoalClient({ url, token });
    const csv = ["time,close", ...Array.from(walk(bars), (c, k) => `${1_000_000_000 + k * 60},${c}`)].join("\n");
    const { dataset } = await client.uploadDataset(new TextEncoder().encode(csv), { name: "walk", time: "time" });
    return { url, client, dataset: dataset.id, coordinator, close };
  } catch (failure) {
    close();
    throw failure;
  }
}

/** One timed job: wall ms as the coordinator records it (created to finished), the volunteers' CPU ms, the first 3 results. */
export interface GridRun {
  wallMs: number;
  cpuMs: number;
  /** CPU ms of the threads that ran Lua alone, when the row can tell them apart. */
  executorCpuMs?: number;
  results: string;
  /** Where the volunteers' wall time went, from the job's attempts as the coordinator recorded them. */
  spans: WallSpans;
  /** CPU ms the coordinator process used meanwhile (it shares the machine's cores with the volunteers). */
  coordinatorCpuMs?: number;
}

/**
 * A job's wall time per volunteer, split by what the coordinator saw (ms, summed over the volunteers):
 * `held` while a volunteer held a task (assigned to result received), `between` from one of its
 * results to its next assignment, `edges` from the job's creation to its first assignment and from its
 * last result to the job's end. held + between + edges = wall × volunteers.
 */
export interface WallSpans {
  held: number;
  between: number;
  edges: number;
}

/** Splits `volunteers` × (created..finished) by the attempts' spans (see {@link WallSpans}). */
export function wallSpans(attempts: readonly AttemptView[], createdAt: number, finishedAt: number, volunteers: number): WallSpans {
  const byPeer = new Map<string, AttemptView[]>();
  for (const a of attempts) byPeer.set(a.peer, [...(byPeer.get(a.peer) ?? []), a]);
  const spans: WallSpans = { held: 0, between: 0, edges: 0 };
  for (const list of byPeer.values()) {
    list.sort((a, b) => a.start - b.start);
    let last = createdAt;
    for (const [k, a] of list.entries()) {
      const end = a.end ?? finishedAt;
      if (k === 0) spans.edges += a.start - createdAt;
      else spans.between += Math.max(0, a.start - last);
      spans.held += end - Math.max(a.start, last);
      last = Math.max(last, end);
    }
    spans.edges += finishedAt - last;
  }
  // A volunteer the job never reached idled for all of it.
  spans.edges += Math.max(0, volunteers - byPeer.size) * (finishedAt - createdAt);
  return spans;
}

/** How a row watches its volunteers during a job. */
export interface Volunteers {
  /** CPU ms the volunteers have used so far, all of them together. */
  cpuMs(): Promise<number>;
  /** CPU ms their executor threads (those running Lua) have used so far, when known. */
  executorCpuMs?(): Promise<number>;
  /** Throws when a volunteer has gone (a process exited, a page crashed). */
  check(): void;
  /** Called about twice a second while the job runs (e.g. to sample memory). */
  sample?(): Promise<void>;
}

/** Runs the sweep as a job of `engine` on `grid` and waits for it, at most JOB_TIMEOUT_MS. */
export async function runJob(grid: Grid, engine: EngineName, volunteers: Volunteers): Promise<GridRun> {
  const i = Array.from({ length: TASKS }, (_, k) => k + 1);
  volunteers.check();
  const cpu0 = await volunteers.cpuMs();
  const coordinator0 = cpuMs(grid.coordinator.child.pid!);
  const executor0 = await volunteers.executorCpuMs?.();
  const job = await grid.client.createJob({ dataset: grid.dataset, spec: { script: SCRIPT, engine, params: { i }, batchSize: 1 } });
  const until = Date.now() + JOB_TIMEOUT_MS;
  let nextSample = 0;
  for (;;) {
    const view = await grid.client.getJob(job.id);
    if (view.status === "done") {
      const volunteersCpuMs = (await volunteers.cpuMs()) - cpu0;
      const coordinatorCpuMs = cpuMs(grid.coordinator.child.pid!) - coordinator0;
      const executor = await volunteers.executorCpuMs?.();
      const createdAt = Date.parse(view.createdAt);
      const finishedAt = Date.parse(view.finishedAt!);
      const executorCpuMs = executor === undefined || executor0 === undefined ? {} : { executorCpuMs: executor - executor0 };
      const { attempts } = await grid.client.getAttempts(job.id);
      const spans = wallSpans(attempts, createdAt, finishedAt, WORKERS);
      return { wallMs: finishedAt - createdAt, cpuMs: volunteersCpuMs, ...executorCpuMs, results: resultsOf(await grid.client.getResult(job.id)), spans, coordinatorCpuMs };
    }
    if (view.status !== "running" && view.status !== "queued") throw new Error(`grid job ${view.status}: ${JSON.stringify(view)}`);
    if (Date.now() > until) throw new Error(`grid job ${job.id} (${engine}) not done after ${JOB_TIMEOUT_MS} ms: ${JSON.stringify(view)}`);
    volunteers.check();
    if (volunteers.sample && Date.now() >= nextSample) {
      nextSample = Date.now() + 500;
      await volunteers.sample();
    }
    // Not faster: this process and the coordinator answering it share the volunteers' two cores.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The first 3 outputs of a job's result as native Lua prints them ("sharpe/trades", sharpe to
 * 9 decimals), in task order: the three points once.
 */
export function resultsOf(result: unknown): string {
  const found = [...JSON.stringify(result).matchAll(/"sharpe":(-?[\d.e+-]+),"trades":(\d+)/g)].slice(0, POINTS.length);
  return found.map((m) => `${Number(m[1]).toFixed(9)}/${m[2]}`).join(" ");
}

/** A row's figures from its timed jobs against native Lua's ms per point. */
export interface GridFigures {
  /** Median job wall ms. */
  wallMs: number;
  /** Median wall × WORKERS ÷ TASKS: what one point cost a volunteer core. */
  perCoreMs: number;
  /** Median of the volunteers' CPU ms ÷ TASKS. */
  cpuPerPointMs: number;
  /** Median of the executor threads' CPU ms ÷ TASKS, when every job has it. */
  executorCpuPerPointMs?: number;
  /** The median job's {@link WallSpans}, ms per point. */
  spansPerPoint: WallSpans;
  /** The median job's coordinator CPU ms per point, when measured. */
  coordinatorCpuPerPointMs?: number;
  /** "yes" when every job's results equal native's, else "NO: " and the first job's. */
  agree: string;
}

/** Sums up timed jobs (at least one). */
export function gridFigures(timed: GridRun[], nativeResults: string): GridFigures {
  const wallMs = median(timed.map((t) => t.wallMs));
  const middleJob = [...timed].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(timed.length / 2)]!;
  const middle = middleJob.spans;
  const executor = timed.map((t) => t.executorCpuMs).filter((ms) => ms !== undefined);
  return {
    wallMs,
    perCoreMs: (wallMs * WORKERS) / TASKS,
    cpuPerPointMs: median(timed.map((t) => t.cpuMs)) / TASKS,
    ...(executor.length === timed.length ? { executorCpuPerPointMs: median(executor) / TASKS } : {}),
    spansPerPoint: { held: middle.held / TASKS, between: middle.between / TASKS, edges: middle.edges / TASKS },
    ...(middleJob.coordinatorCpuMs === undefined ? {} : { coordinatorCpuPerPointMs: middleJob.coordinatorCpuMs / TASKS }),
    agree: timed.every((t) => t.results === nativeResults) ? "yes" : `NO: ${timed[0]!.results}`,
  };
}

/** The table cells both rows print, after the engine: wall, per core, × native, CPU per point, × native. */
export function figureCells(f: GridFigures, nativePerPointMs: number): string {
  return `${f.wallMs.toFixed(0)} | ${f.perCoreMs.toFixed(1)} | **${(f.perCoreMs / nativePerPointMs).toFixed(2)}** | ${f.cpuPerPointMs.toFixed(1)} | ${(f.cpuPerPointMs / nativePerPointMs).toFixed(2)}`;
}

/** Resident and peak resident memory of a process, MB, from /proc. */
export function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s*(\\d+)`).exec(status)?.[1] ?? NaN);
  return { now: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** CPU ms (user + system, all threads) a process has used, from /proc. */
export function cpuMs(pid: number): number {
  return statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/** CPU ms the threads of process `pid` whose name (comm) starts with `prefix` have used, from /proc; threads gone are not counted. */
export function threadCpuMs(pid: number, prefix: string): number {
  let sum = 0;
  for (const [name, ms] of threadCpu(pid)) if (name.startsWith(prefix)) sum += ms;
  return sum;
}

/** CPU ms each live thread of process `pid` has used, keyed "name#tid" (name as Linux has it, comm), from /proc. */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
      out.set(`${name}#${tid}`, statCpuMs(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8")));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** User + system CPU ms from a /proc stat line (fields 14 and 15, in clock ticks of 10 ms). */
export function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * The table that says where a row's wall time per volunteer core went, from each engine's figures:
 * held + between + edges = the per-core figure of the row's main table.
 */
export function spanTable(rows: ReadonlyArray<{ engine: EngineName; figures: GridFigures }>, nativePerPointMs: number, busyNative?: number | string): string[] {
  const busy = typeof busyNative === "number" ? busyNative : undefined;
  const against = (ms: number) => (busy === undefined ? "" : ` | ${(ms / busy).toFixed(2)}`);
  return [
    "",
    "Where the wall time per volunteer core went (ms per point, the median job; from its attempts as the coordinator recorded them):",
    "held = assigned to result received (the task's run, its shard read and the messages both ways), between = a result to the",
    "same volunteer's next assignment, start + end = job created to a volunteer's first assignment and its last result to the job's end.",
    "The coordinator's CPU in that job is beside them: on a machine with no more cores than volunteers it comes out of their time.",
    busy === undefined
      ? `Native with every core busy: ${typeof busyNative === "string" ? busyNative : "not measured"}.`
      : `Last, per core and CPU against native lua5.4 run as ${WORKERS} processes at once (every core busy, as the volunteers keep them): ${busy.toFixed(1)} ms per point; CPU is the executor threads' where the row tells them apart, else the volunteers'.`,
    "",
    `| engine | held | × native | between tasks | start + end | per core, total | coordinator CPU${busy === undefined ? "" : ` | per core × native, ${WORKERS} at once | CPU × native, ${WORKERS} at once`} |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---:${busy === undefined ? "" : " | ---: | ---:"} |`,
    ...rows.map(({ engine, figures: { spansPerPoint: s, perCoreMs, cpuPerPointMs, executorCpuPerPointMs, coordinatorCpuPerPointMs: c } }) =>
      `| ${engine} | ${s.held.toFixed(1)} | ${(s.held / nativePerPointMs).toFixed(2)} | ${s.between.toFixed(1)} | ${s.edges.toFixed(1)} | ${perCoreMs.toFixed(1)} | ${c === undefined ? "" : c.toFixed(1)}${against(perCoreMs)}${against(executorCpuPerPointMs ?? cpuPerPointMs)} |`,
    ),
  ];
}

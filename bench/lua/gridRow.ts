// The grid row of bench/lua: the plain-Lua sweep through a real grid on loopback — `shoal
// coordinator`, two `shoal worker --threads 1` (WebSocket), the job submitted with the client —
// beside native lua5.4 on one core in the same run. Per volunteer core: the job's wall time × 2
// cores ÷ points, against native's time per point; also the workers' CPU per point and each
// worker's memory (RSS now and at its peak) after the job.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShoalClient } from "@shoal/client";
import { PLAIN_LUA, POINTS, walk } from "./kernels.ts";
import { median, nativeLua } from "./runners.ts";

const SHOAL = fileURLToPath(new URL("../../apps/cli/bin/shoal.js", import.meta.url));
const WORKERS = 2;
/** Each of the 3 points this many times, so both volunteers get the same number of tasks. */
const COPIES = 4;
const ENGINES = ["wasmoon", "fengari"] as const;

/** The sweep as a job: point `i` is POINTS[(i - 1) % 3 + 1], one point per task. */
const SCRIPT = `${PLAIN_LUA}
local POINTS = { ${POINTS.map((p) => `{ ${p.fast}, ${p.slow} }`).join(", ")} }
function map(series, p)
  local q = POINTS[(p.i - 1) % #POINTS + 1]
  local s, t = backtest(series.close, q[1], q[2])
  return { sharpe = s, trades = t }
end
`;

interface Proc {
  child: ChildProcess;
  output: string;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [SHOAL, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const proc: Proc = { child, output: "" };
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (proc.output += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (proc.output += s));
  return proc;
}

async function waitFor(proc: Proc, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(proc.output);
    if (match) return match[1] ?? match[0];
    if (proc.child.exitCode !== null || Date.now() > until) throw new Error(`no ${pattern}:\n${proc.output.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** CPU ms (user + system, all threads) a process has used, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Resident and peak resident memory of a process, MB. */
function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s*(\\d+)`).exec(status)?.[1] ?? NaN);
  return { now: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

interface GridRun {
  wallMs: number;
  cpuMs: number;
  results: string;
}

async function runJob(client: ShoalClient, dataset: string, engine: string, workers: Proc[]): Promise<GridRun> {
  const points = POINTS.length * COPIES;
  const i = Array.from({ length: points }, (_, k) => k + 1);
  for (const w of workers) if (w.child.exitCode !== null) throw new Error(`a worker exited:\n${w.output.slice(-2000)}`);
  const cpu0 = workers.map((w) => cpuMs(w.child.pid!));
  const job = await client.createJob({ dataset, spec: { script: SCRIPT, engine: engine as "wasmoon", params: { i }, batchSize: 1 } });
  let wallMs: number;
  for (;;) {
    const view = await client.getJob(job.id);
    if (view.status === "done") {
      wallMs = Date.parse(view.finishedAt!) - Date.parse(view.createdAt);
      break;
    }
    if (view.status !== "running" && view.status !== "queued") throw new Error(`grid job ${view.status}: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const cpu = workers.reduce((sum, w, k) => sum + cpuMs(w.child.pid!) - cpu0[k]!, 0);
  const outputs = JSON.stringify(await client.getResult(job.id));
  const found = [...outputs.matchAll(/"sharpe":(-?[\d.e+-]+),"trades":(\d+)/g)].slice(0, POINTS.length);
  return { wallMs, cpuMs: cpu, results: found.map((m) => `${Number(m[1]).toFixed(9)}/${m[2]}`).join(" ") };
}

/** Runs the grid row over `bars` bars, `runs` timed jobs per engine after one untimed; returns table lines. */
export async function gridRow(bars: number, runs: number, port: number): Promise<string[]> {
  const native = nativeLua(bars, 4);
  if (typeof native === "string") return [`\nGrid row: ${native}`];
  const dir = mkdtempSync(join(tmpdir(), "shoal-bench-grid-"));
  const close = walk(bars);
  const csv = ["time,close", ...Array.from(close, (c, k) => `${1_000_000_000 + k * 60},${c}`)].join("\n");
  writeFileSync(join(dir, "walk.csv"), csv);
  const procs: Proc[] = [];
  try {
    const coordinator = start(["coordinator", "--port", String(port), "--data-dir", join(dir, "data")]);
    procs.push(coordinator);
    const url = await waitFor(coordinator, /coordinator: (http:\/\/\S+)/);
    const token = await waitFor(coordinator, /author token[^:]*: (\S+)\n/);
    const workers = Array.from({ length: WORKERS }, () => start(["worker", "--coordinator", url, "--threads", "1", "--transport", "ws", "--status-every", "1h"]));
    procs.push(...workers);
    await Promise.all(workers.map((w) => waitFor(w, /(connected to the coordinator)/)));
    const client = new ShoalClient({ url, token });
    const { dataset } = await client.uploadDataset(new TextEncoder().encode(csv), { name: "walk", time: "time" });
    const points = POINTS.length * COPIES;
    const nativePerPoint = native.best / POINTS.length;
    const lines = [
      `\nGrid row: the sweep's 3 points × ${COPIES} (${points} tasks of one point, ${bars} bars) on a coordinator and ${WORKERS} \`shoal worker --threads 1\``,
      `on loopback (WebSocket), budget at its default; ${native.name} on one core in the same run: ${nativePerPoint.toFixed(1)} ms per point.`,
      `Per volunteer core = the job's wall time (created to finished, as the coordinator records it) × ${WORKERS} ÷ ${points}, which other load on the machine inflates; the workers' CPU`,
      `time per point is what a volunteer core spends. Median of ${runs} jobs after an untimed first; RSS of each worker after them (peak in brackets).`,
      "",
      "| engine | job wall ms | per volunteer core, ms per point | × native | workers' CPU ms per point | × native | worker RSS MB | results agree |",
      "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ];
    for (const engine of ENGINES) {
      await runJob(client, dataset.id, engine, workers);
      const timed: GridRun[] = [];
      for (let r = 0; r < runs; r++) timed.push(await runJob(client, dataset.id, engine, workers));
      const wall = median(timed.map((t) => t.wallMs));
      const cpu = median(timed.map((t) => t.cpuMs)) / points;
      const perCore = (wall * WORKERS) / points;
      const rss = workers.map((w) => rssMb(w.child.pid!)).map((m) => `${m.now.toFixed(0)} (${m.peak.toFixed(0)})`).join(", ");
      const agree = timed.every((t) => t.results === native.results) ? "yes" : `NO: ${timed[0]!.results}`;
      lines.push(
        `| ${engine} | ${wall.toFixed(0)} | ${perCore.toFixed(1)} | **${(perCore / nativePerPoint).toFixed(2)}** | ${cpu.toFixed(1)} | ${(cpu / nativePerPoint).toFixed(2)} | ${rss} | ${agree} |`,
      );
    }
    return lines;
  } finally {
    for (const p of procs) p.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

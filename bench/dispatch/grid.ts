// Real `shoal` processes on loopback for bench/dispatch: a coordinator (SQLite in a temp dir) and
// Node volunteers, each spawned as `node apps/cli/bin/shoal.js ...`, all killed by `killAll`.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "apps/cli/bin/shoal.js");
const live = new Set<ShoalProcess>();
/** USER_HZ: the unit of utime and stime in /proc stat files (100 on Linux). */
const CLOCK_TICKS = 100;
/** Extra node flags for every spawned process (BENCH_NODE_FLAGS, space-separated), for trying V8 options. */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);

/** One spawned `shoal` process whose stdout + stderr is kept and can be waited on. */
export class ShoalProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  output = "";

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [...NODE_FLAGS, BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (this.output += chunk));
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.output += chunk));
    this.exited = new Promise((resolve) => this.child.on("exit", () => resolve()));
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  /** Resolves with the first match of `pattern` in the output; rejects on exit or timeout. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`shoal exited before ${pattern}:\n${this.output.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-2000)}`);
      await sleep(50);
    }
  }

  /** Resident set size of the process in MiB, from /proc/PID/status VmRSS. */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, "utf8");
    const kb = Number(status.match(/VmRSS:\s*(\d+)/)?.[1]);
    return kb / 1024;
  }

  /**
   * CPU time (ms) of the process so far, split into its main thread and all its other threads
   * (V8's compiler and GC helpers, libuv's pool, worker threads), from /proc/PID/task/TID/stat.
   */
  cpuMs(): { main: number; other: number } {
    const pid = this.child.pid!;
    const ticksMs = 1000 / CLOCK_TICKS;
    let main = 0;
    let other = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      } catch {
        continue; // the thread ended meanwhile
      }
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * ticksMs;
      if (tid === String(pid)) main += ms;
      else other += ms;
    }
    return { main, other };
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }
}

/** A started coordinator with its URL and author token. */
export interface CoordinatorProcess {
  process: ShoalProcess;
  url: string;
  token: string;
}

export async function startCoordinator(extraArgs: readonly string[] = []): Promise<CoordinatorProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "shoal-bench-dispatch-"));
  const p = new ShoalProcess(["coordinator", "--port", "0", "--data-dir", dataDir, ...extraArgs]);
  const url = (await p.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
  const token = (await p.waitFor(/author token[^:]*: (\S+)\n/))[1]!;
  return { process: p, url, token };
}

/** Starts a volunteer with one executor thread; resolves with the transport it connected over. */
export async function startWorker(url: string, transport: "ws" | "webrtc"): Promise<{ process: ShoalProcess; connectedOver: string }> {
  const p = new ShoalProcess(["worker", "--coordinator", url, "--threads", "1", "--transport", transport, "--status-every", "1h"]);
  const connectedOver = (await p.waitFor(/connected to the coordinator over (\S+) as/, 60_000))[1]!;
  return { process: p, connectedOver };
}

/** Kills every process this module spawned that is still running. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill()));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ROOT } from "./runShoal.ts";

const BIN = fileURLToPath(new URL("../bin/shoal.js", import.meta.url));

/** A long-running `shoal` process (coordinator, worker, submit) whose output is watched as it arrives. */
export class ShoalProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout = "";
  stderr = "";
  readonly #waiters = new Set<() => void>();

  /** Runs the repository's `shoal` unless `where` names another (an installed one) and its directory. */
  constructor(args: string[], env: Record<string, string> = {}, where: { bin: string; cwd: string } = { bin: BIN, cwd: ROOT }) {
    this.child = spawn(process.execPath, [where.bin, ...args], { cwd: where.cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => this.#append("stdout", chunk));
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => this.#append("stderr", chunk));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
    void this.exited.then(() => this.#wake());
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `pattern` in stdout + stderr; rejects on timeout or exit. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = (this.stdout + this.stderr).match(pattern);
      if (match) return match;
      if (!this.running) throw new Error(`process exited before printing ${pattern}:\n${this.stderr.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.stderr.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.add(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** Kills the process at once (SIGKILL) and waits for it to be gone. */
  async kill9(): Promise<void> {
    if (this.running) this.child.kill("SIGKILL");
    await this.exited;
  }

  #append(stream: "stdout" | "stderr", chunk: string): void {
    this[stream] += chunk;
    this.#wake();
  }

  #wake(): void {
    for (const waiter of this.#waiters) waiter();
    this.#waiters.clear();
  }
}

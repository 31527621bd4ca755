import type { JobView } from "@shoal/client";
import { durationText } from "@shoal/protocol";

/** Without a terminal, a line at least this often (ms) while nothing else changes, so logs show the job is alive. */
const QUIET_LINE_MS = 15_000;

/**
 * The progress of a followed job on stderr: one line redrawn every second on a terminal (so the
 * elapsed time never freezes), else a line per tenth of the tasks done and at least every 15 s.
 * It reports throughput and an ETA from the tasks done while followed, and announces a Lua error
 * that volunteers reported but the job's quorum has not confirmed yet.
 */
export class JobProgress {
  readonly #started = Date.now();
  readonly #tty = process.stderr.isTTY === true;
  readonly #timer: ReturnType<typeof setInterval>;
  #job: JobView | undefined;
  #firstDone: number | undefined;
  #shownTenth = -1;
  #lastLineAt = 0;
  #drawn = false;
  #unconfirmed = "";

  constructor() {
    this.#timer = setInterval(() => this.#draw(), this.#tty ? 1000 : QUIET_LINE_MS / 3);
    this.#timer.unref();
  }

  update(job: JobView): void {
    const unconfirmed = job.unconfirmedError;
    if (unconfirmed && unconfirmed.message !== this.#unconfirmed) {
      this.#unconfirmed = unconfirmed.message;
      this.#write(`shoal: error reported by ${plural(unconfirmed.reporters, "volunteer")}, confirming (${job.quorum} needed): ${unconfirmed.message}`);
    }
    this.#firstDone ??= job.tasks.done;
    this.#job = job;
    this.#draw();
  }

  /** Stops redrawing and ends the line. */
  end(): void {
    clearInterval(this.#timer);
    if (this.#drawn) process.stderr.write("\n");
    this.#drawn = false;
  }

  /** Prints a whole line of its own, below the redrawn progress line. */
  #write(line: string): void {
    if (this.#drawn) process.stderr.write("\n");
    this.#drawn = false;
    process.stderr.write(`${line}\n`);
  }

  #draw(): void {
    const job = this.#job;
    if (!job) return;
    const { done, total } = job.tasks;
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    const elapsedMs = Date.now() - this.#started;
    const rate = (done - (this.#firstDone ?? 0)) / (elapsedMs / 1000);
    const active = job.status === "queued" || job.status === "running";
    const speed = rate > 0 ? `, ${rate.toFixed(1)} tasks/s${active ? `, ETA ${durationText(Math.ceil((total - done) / rate) * 1000)}` : ""}` : "";
    const line = `shoal: job ${job.id} ${job.status} ${done}/${total} tasks (${percent}%)${speed}, ${(elapsedMs / 1000).toFixed(1)}s elapsed`;
    if (this.#tty) {
      process.stderr.write(`\r${line}\u001b[K`);
      this.#drawn = true;
      return;
    }
    const tenth = Math.floor(percent / 10);
    if (tenth > this.#shownTenth || Date.now() - this.#lastLineAt >= QUIET_LINE_MS) {
      this.#shownTenth = Math.max(this.#shownTenth, tenth);
      this.#lastLineAt = Date.now();
      process.stderr.write(`${line}\n`);
    }
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

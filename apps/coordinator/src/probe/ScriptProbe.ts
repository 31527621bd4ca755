import { Worker } from "node:worker_threads";
import type { JobSpec } from "@shoal/protocol";
import { JobRequestError } from "../authors/JobRequestError.ts";
import type { ProbeReply, ProbeRequest } from "./probeMessages.ts";

const THREAD_ENTRY = new URL("./probeThread.mjs", import.meta.url);

/** How far a submitted script's top level may go when the coordinator runs it once. */
export interface ProbeLimits {
  /** Wall-clock time the top level may run, not counting the thread's start. */
  deadlineMs: number;
  /** V8 heap of the probe thread in MB; past it the thread dies and the script is refused. */
  heapMb: number;
  /** Instructions the top level may run (a job's own smaller budget wins). */
  budget: number;
  /** Scripts that may wait for the thread at once; more are refused with a 429. Default 16. */
  maxWaiting?: number;
}

/** A probe thread that has said it is ready, with the one listener that routes its replies. */
interface Thread {
  worker: Worker;
  reply: ((reply: ProbeReply) => void) | undefined;
  died: ((error: Error | undefined) => void) | undefined;
}

/**
 * Runs each submitted script's top level once — to learn that it compiles, runs and defines
 * `map` (and whether `reduce`) — on a worker thread, never the coordinator's main thread: with a
 * wall-clock deadline (the thread is terminated when it passes), a V8 heap cap and a Lua memory
 * cap. Scripts are probed one at a time on one thread, started when first needed and again
 * after a script killed it.
 */
export class ScriptProbe {
  readonly #limits: ProbeLimits;
  #thread: Promise<Thread> | undefined;
  #turn: Promise<unknown> = Promise.resolve();
  #waiting = 0;
  #closed = false;

  constructor(limits: ProbeLimits) {
    this.#limits = limits;
  }

  /**
   * Whether the script defines `reduce`; a {@link JobRequestError} says why it cannot run (400),
   * or that too many scripts wait already (429), so one author's slow scripts cannot queue without end.
   */
  probe(spec: Pick<JobSpec, "script" | "engine" | "budget" | "resultBytes">): Promise<boolean> {
    const maxWaiting = this.#limits.maxWaiting ?? 16;
    if (this.#waiting >= maxWaiting) {
      return Promise.reject(new JobRequestError(`${this.#waiting} scripts are waiting to be probed, the most the coordinator queues; submit again shortly`, { status: 429 }));
    }
    const budget = spec.budget === "off" ? this.#limits.budget : Math.min(spec.budget, this.#limits.budget);
    const request: ProbeRequest = {
      type: "probe",
      source: spec.script,
      engine: spec.engine,
      budget,
      maxResultBytes: spec.resultBytes,
      maxMemoryBytes: Math.floor((this.#limits.heapMb * 1024 * 1024) / 4),
    };
    this.#waiting++;
    const run = this.#turn.then(() => this.#run(request)).finally(() => this.#waiting--);
    this.#turn = run.catch(() => undefined);
    return run;
  }

  /** Ends the thread; later probes are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    const thread = this.#thread;
    this.#thread = undefined;
    if (thread) await (await thread.catch(() => undefined))?.worker.terminate();
  }

  async #run(request: ProbeRequest): Promise<boolean> {
    if (this.#closed) throw new Error("the script probe is closed");
    const thread = await (this.#thread ??= this.#start());
    const { deadlineMs, heapMb } = this.#limits;
    const reply = await new Promise<ProbeReply | "timeout" | "memory">((resolve, reject) => {
      const timer = setTimeout(() => resolve("timeout"), deadlineMs);
      thread.reply = (reply) => (clearTimeout(timer), resolve(reply));
      thread.died = (error) => {
        clearTimeout(timer);
        if (error && (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY") resolve("memory");
        else reject(error ?? new Error("the script probe's thread stopped"));
      };
      thread.worker.postMessage(request);
    }).finally(() => {
      thread.reply = undefined;
      thread.died = undefined;
    });
    if (reply === "timeout" || reply === "memory") {
      this.#discard(thread);
      const what = reply === "timeout" ? `ran longer than ${seconds(deadlineMs)}` : `used more than ${heapMb} MB of memory`;
      throw new JobRequestError(`the script's top level ${what} when the coordinator ran it once to find map; keep work inside map and reduce`);
    }
    if (reply.type === "lua-error") throw new JobRequestError(reply.message, reply.line === undefined ? {} : { line: reply.line });
    if (reply.type !== "probed") throw new Error(`unexpected reply from the script probe: ${reply.type}`);
    return reply.hasReduce;
  }

  #start(): Promise<Thread> {
    const worker = new Worker(THREAD_ENTRY, {
      resourceLimits: { maxOldGenerationSizeMb: this.#limits.heapMb, maxYoungGenerationSizeMb: Math.min(64, Math.ceil(this.#limits.heapMb / 8)) },
    });
    worker.unref();
    const thread: Thread = { worker, reply: undefined, died: undefined };
    const started = new Promise<Thread>((resolve, reject) => {
      worker.on("message", (reply: ProbeReply) => {
        if (reply.type === "ready") resolve(thread);
        else thread.reply?.(reply);
      });
      worker.on("error", (error) => {
        reject(error);
        thread.died?.(error);
      });
      worker.on("exit", () => {
        reject(new Error("the script probe's thread exited before it was ready"));
        if (this.#thread === started) this.#thread = undefined;
        thread.died?.(undefined);
      });
    });
    started.catch(() => {
      if (this.#thread === started) this.#thread = undefined;
    });
    return started;
  }

  /** Ends a thread a script ran away in, so the next probe starts a fresh one. */
  #discard(thread: Thread): void {
    this.#thread = undefined;
    void thread.worker.terminate();
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })} s`;
}

import type { Assignment, CoordinatorToWorker, Hello, JobSpec, TaskFailedMessage, TaskResultMessage, WorkerToCoordinator } from "@shoal/protocol";
import { encodeMessage, MESSAGE_LIMITS, parseCoordinatorMessage, PROTOCOL_VERSION } from "@shoal/protocol";
import { prepareEngine } from "@shoal/lua";
import type { Series } from "@shoal/timeseries";
import { assembleSeries, decodeShard, isManifest, shardHash } from "@shoal/timeseries";
import { TaskError, TaskExecutor } from "@shoal/worker";

/** Any text pipe to the coordinator: a raw WebSocket, a PeerJS data connection behind framing, ... */
export interface TestWire {
  send(text: string): void;
  onMessage(listener: (text: string) => void): void;
}

export interface TestWorkerOptions {
  threads?: number;
  /** Stops taking tasks after this many results, leaving the rest of its assignments unanswered. */
  stopAfter?: number;
  /** Pause before each task, to give a test time to act mid-job. */
  delayMs?: number;
  /** Reports the outcomes of each batch of assignments together in `outcomes` messages, as volunteers do under load. */
  batch?: boolean;
  /** The Lua engines it says it runs (default fengari only). */
  engines?: string[];
}

/**
 * A minimal volunteer for tests: says hello, asks for work, runs each assignment with the real
 * TaskExecutor over shards fetched by hash from the coordinator, and reports results one by one.
 */
export class TestWorker {
  readonly sent: TaskResultMessage[] = [];
  readonly received: CoordinatorToWorker[] = [];
  peerId: string | undefined;
  /** The last welcome's secret, sent back on {@link reconnect} to keep the peer id. */
  secret: string | undefined;
  #wire: TestWire;
  #ready = false;
  readonly #options: Required<TestWorkerOptions>;
  readonly #specs = new Map<string, JobSpec>();
  readonly #executors = new Map<string, TaskExecutor>();
  readonly #queue: Assignment[] = [];
  readonly #cancelled = new Set<string>();
  #shardBaseUrl = "";
  #running = false;
  #welcomed: ((peerId: string) => void) | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(wire: TestWire, options: TestWorkerOptions = {}) {
    this.#wire = wire;
    this.#options = { threads: 1, stopAfter: Number.POSITIVE_INFINITY, delayMs: 0, batch: false, engines: ["fengari"], ...options };
    this.#listen(wire);
  }

  /** Says hello, waits for the welcome, then asks for work. */
  async start(): Promise<string> {
    await this.#hello(undefined);
    this.send({ type: "request-work", freeSlots: this.#options.threads });
    return this.peerId as string;
  }

  /** The connection is gone: hold back messages until {@link reconnect}. */
  disconnected(): void {
    this.#ready = false;
  }

  /**
   * Says hello again on a new wire under the same peer id, then reports every result it ever sent
   * (results are idempotent, and some may have been lost with the old connection) and asks for work.
   */
  async reconnect(wire: TestWire): Promise<string> {
    this.#ready = false;
    this.#wire = wire;
    this.#listen(wire);
    await this.#hello(this.peerId);
    for (const message of this.sent) this.send(message);
    this.send({ type: "request-work", freeSlots: this.#options.threads });
    void this.#pump();
    return this.peerId as string;
  }

  async #hello(peerId: string | undefined): Promise<void> {
    const welcomed = new Promise<string>((resolve) => (this.#welcomed = resolve));
    const hello: Hello = { type: "hello", protocol: PROTOCOL_VERSION, threads: this.#options.threads, engines: this.#options.engines, shards: [] };
    // What it still holds: assignments queued and results sent (any lost with the old connection are sent again).
    const running = [...this.#queue, ...this.sent].map(({ taskId, attempt }) => ({ taskId, attempt })).slice(0, MESSAGE_LIMITS.running);
    if (peerId !== undefined && this.secret !== undefined) Object.assign(hello, { peerId, secret: this.secret, running });
    this.#wire.send(encodeMessage(hello));
    this.peerId = await welcomed;
    this.#ready = true;
  }

  send(message: WorkerToCoordinator): void {
    if (this.#ready) this.#wire.send(encodeMessage(message));
  }

  #listen(wire: TestWire): void {
    wire.onMessage((text) => wire === this.#wire && this.#receive(parseCoordinatorMessage(text)));
  }

  get stopped(): boolean {
    return this.sent.length >= this.#options.stopAfter;
  }

  #receive(message: CoordinatorToWorker): void {
    this.received.push(message);
    switch (message.type) {
      case "welcome":
        this.#shardBaseUrl = message.shardBaseUrl;
        this.secret = message.secret;
        // As real volunteers do: a silent session is closed by the coordinator.
        clearInterval(this.#heartbeat);
        this.#heartbeat = setInterval(() => this.send({ type: "heartbeat" }), message.heartbeatMs);
        this.#heartbeat.unref();
        this.#welcomed?.(message.peerId);
        return;
      case "job":
        this.#specs.set(message.jobId, message.spec);
        return;
      case "assign":
        this.#queue.push(...message.assignments);
        void this.#pump();
        return;
      case "cancel":
        for (const id of message.taskIds) this.#cancelled.add(id);
        return;
      default:
        return;
    }
  }

  async #pump(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const held: Array<TaskResultMessage | TaskFailedMessage> = [];
    try {
      for (let a = this.#queue.shift(); a && !this.stopped; a = this.#queue.shift()) {
        if (this.#cancelled.has(a.taskId)) continue;
        if (this.#options.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#options.delayMs));
        if (this.stopped) return;
        const outcome = await this.#run(a);
        if (outcome.type === "task-result") this.sent.push(outcome);
        if (this.#options.batch) held.push(outcome);
        else this.send(outcome);
      }
      for (let i = 0; i < held.length; i += MESSAGE_LIMITS.outcomes) this.send({ type: "outcomes", outcomes: held.slice(i, i + MESSAGE_LIMITS.outcomes) });
      if (!this.stopped) this.send({ type: "request-work", freeSlots: this.#options.threads });
    } finally {
      this.#running = false;
    }
  }

  async #run(a: Assignment): Promise<TaskResultMessage | TaskFailedMessage> {
    const started = performance.now();
    try {
      const executor = await this.#executor(a);
      const base = { type: "task-result" as const, taskId: a.taskId, attempt: a.attempt, elapsedMs: 0 };
      const message: TaskResultMessage =
        a.task.kind === "map"
          ? (({ outputs, log, instructions }) => ({ ...base, result: { outputs }, log, instructions }))(executor.runMap(a.task))
          : (({ output, log, instructions }) => ({ ...base, result: { output }, log, instructions }))(executor.runReduce(a.task));
      message.elapsedMs = performance.now() - started;
      return message;
    } catch (error) {
      const { log, ...failure } = TaskError.from(error).toData();
      const message: TaskFailedMessage = { type: "task-failed", taskId: a.taskId, attempt: a.attempt, error: failure };
      if (log !== undefined && log.length > 0) message.log = log;
      return message;
    }
  }

  async #executor(a: Assignment): Promise<TaskExecutor> {
    const key = `${a.jobId}:${a.shard ?? "-"}`;
    let executor = this.#executors.get(key);
    if (!executor) {
      const spec = this.#specs.get(a.jobId);
      if (!spec) throw new Error(`assignment for job ${a.jobId} before its spec`);
      const series = a.shard ? [await this.#series(a.shard)] : [];
      executor = new TaskExecutor(await prepareEngine(spec.engine), spec, series);
      this.#executors.set(key, executor);
    }
    return executor;
  }

  /** The series at a shard address: the shard itself, or the chunks its manifest lists. */
  async #series(hash: string): Promise<Series> {
    const bytes = await this.#fetchShard(hash);
    return isManifest(bytes) ? assembleSeries(bytes, (chunk) => this.#fetchShard(chunk)) : decodeShard(bytes);
  }

  async #fetchShard(hash: string): Promise<Uint8Array> {
    const response = await fetch(`${this.#shardBaseUrl}/${hash}`);
    if (!response.ok) throw new Error(`shard ${hash}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if ((await shardHash(bytes)) !== hash) throw new Error(`shard ${hash} does not match its hash`);
    return bytes;
  }
}

import type { Assignment, CoordinatorToWorker, JobSpec, Json, ShardHash, TaskFailureData, Welcome, WorkerToCoordinator } from "@shoal/protocol";
import { encodeMessage, MESSAGE_LIMITS, parseCoordinatorMessage, PROTOCOL_VERSION } from "@shoal/protocol";
import type { Channel, TransportName } from "../channel/Channel.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { ShardFetcher } from "../shards/ShardFetcher.ts";
import { backoffDelay } from "./backoff.ts";
import { OutcomeReporter } from "./OutcomeReporter.ts";
import { TaskCancel } from "./VolunteerExecutor.ts";
import type { VolunteerExecutor } from "./VolunteerExecutor.ts";

export interface VolunteerOptions {
  /** Opens a channel to the coordinator; called at start and on every reconnect. */
  connect: () => Promise<Channel>;
  executor: VolunteerExecutor;
  shards: ShardFetcher;
  /** Tasks run at once; announced in the hello. */
  threads: number;
  engines?: string[];
  /** Resolves a relative `shardBaseUrl` from the welcome. */
  coordinatorUrl?: string;
  /** Reconnect delays: doubling from `initialMs` to `maxMs`, with jitter. */
  backoff?: { initialMs: number; maxMs: number };
  /** How often a volunteer with free slots asks for work again (default: every heartbeat; coordinators also offer work unasked). */
  idlePollMs?: number;
  /** How long a sent result is kept to send again after a reconnect. */
  resendWindowMs?: number;
  /** Time allowed between opening a channel and the coordinator's welcome. */
  welcomeTimeoutMs?: number;
  random?: () => number;
  log?: (line: string) => void;
  /** Called after every welcome with the peer id and shard handle the coordinator gave (serve shards under the handle). */
  onWelcome?: (session: { peerId: string; shardHandle: string }) => void;
}

/** What a volunteer is doing, for status lines and tests. */
export interface VolunteerStatus {
  state: "connecting" | "connected" | "stopped" | "refused";
  transport: TransportName | undefined;
  peerId: string | undefined;
  running: number;
  done: number;
  failed: number;
  connects: number;
}

interface Running {
  assignment: Assignment;
  cancel: TaskCancel;
}

const JOBS_KEPT = 32;

/**
 * A volunteer's side of the protocol, independent of runtime and transport: connect, hello,
 * pull work with credit, fetch shards, run tasks on the executor, report, heartbeat, honour
 * cancels, and reconnect with backoff (same peer id) whenever the channel drops or the
 * coordinator says something malformed. Every incoming message goes through the protocol parser.
 */
export class Volunteer {
  readonly #options: VolunteerOptions;
  readonly #jobs = new Map<string, JobSpec>();
  readonly #tasks = new Map<string, Running>();
  readonly #holders = new Map<ShardHash, string[]>();
  readonly #announced = new Set<ShardHash>();
  readonly #reporter: OutcomeReporter;
  readonly #random: () => number;
  readonly #log: (line: string) => void;
  #channel: Channel | undefined;
  #welcomed = false;
  #peerId: string | undefined;
  /** The last welcome's secret: it alone lets a reconnect keep `#peerId`. Never logged or shown. */
  #secret: string | undefined;
  #shardHandle: string | undefined;
  #refused: string | undefined;
  #stopped = false;
  #timers: Array<ReturnType<typeof setInterval>> = [];
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #done = 0;
  #failed = 0;
  #connects = 0;

  constructor(options: VolunteerOptions) {
    this.#options = options;
    this.#reporter = new OutcomeReporter(options.resendWindowMs ?? 30_000, (text) => this.#welcomed && this.#sendText(text));
    this.#random = options.random ?? Math.random;
    this.#log = options.log ?? (() => undefined);
  }

  /** Starts connecting; resolves when the volunteer stops — by `stop()`, or refused by the coordinator (the reason). */
  run(): Promise<string | undefined> {
    this.#loop ??= this.#connectLoop();
    return this.#loop.then(() => this.#refused);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const { cancel } of this.#tasks.values()) cancel.cancel();
    this.#channel?.close("volunteer stopping");
    this.#wake?.();
    await this.#loop;
  }

  status(): VolunteerStatus {
    const state = this.#refused !== undefined ? "refused" : this.#stopped ? "stopped" : this.#welcomed ? "connected" : "connecting";
    return {
      state,
      transport: this.#welcomed ? this.#channel?.transport : undefined,
      peerId: this.#peerId,
      running: this.#tasks.size,
      done: this.#done,
      failed: this.#failed,
      connects: this.#connects,
    };
  }

  async #connectLoop(): Promise<void> {
    const backoff = this.#options.backoff ?? { initialMs: 250, maxMs: 10_000 };
    let attempt = 0;
    while (!this.#stopped && this.#refused === undefined) {
      let channel: Channel | undefined;
      try {
        channel = await this.#options.connect();
      } catch (error) {
        this.#log(`cannot reach the coordinator: ${(error as Error).message}`);
      }
      if (channel && !this.#stopped) {
        const welcomed = await this.#session(channel);
        if (welcomed) attempt = 0;
      } else {
        channel?.close("volunteer stopping");
      }
      if (this.#stopped || this.#refused !== undefined) break;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, backoffDelay(attempt++, backoff, this.#random));
      });
    }
    this.#wake = undefined;
  }

  /** Runs one connection until it closes; true if the coordinator welcomed us on it. */
  async #session(channel: Channel): Promise<boolean> {
    this.#channel = channel;
    let welcomed = false;
    const closed = new Promise<string>((resolve) => channel.onClose(resolve));
    const welcomeTimer = setTimeout(() => {
      if (!this.#welcomed) channel.close("no welcome from the coordinator");
    }, this.#options.welcomeTimeoutMs ?? 10_000);
    channel.onMessage((text) => {
      let message: CoordinatorToWorker;
      try {
        message = parseCoordinatorMessage(text);
      } catch (error) {
        this.#log(`closing: ${JSON.stringify((error as Error).message)}`);
        channel.close((error as Error).message);
        return;
      }
      const control = message.type === "refused" || message.type === "error";
      if (welcomed === (message.type === "welcome") && !control) {
        const why = welcomed ? "a second welcome" : `${message.type} before welcome`;
        this.#log(`closing: the coordinator sent ${why}`);
        channel.close(why);
        return;
      }
      if (message.type === "welcome") welcomed = true;
      this.#handle(message);
    });
    this.#send({
      type: "hello",
      protocol: PROTOCOL_VERSION,
      ...(this.#peerId === undefined || this.#secret === undefined ? {} : { peerId: this.#peerId, secret: this.#secret }),
      threads: this.#options.threads,
      engines: this.#options.engines ?? ["fengari"],
      shards: (await this.#options.shards.store.list()).slice(0, MESSAGE_LIMITS.shards),
    });
    const reason = await closed;
    clearTimeout(welcomeTimer);
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    if (this.#welcomed) this.#log(`disconnected from the coordinator: ${reason}`);
    this.#welcomed = false;
    this.#channel = undefined;
    return welcomed;
  }

  #handle(message: CoordinatorToWorker): void {
    switch (message.type) {
      case "welcome":
        return this.#welcome(message);
      case "job":
        return this.#rememberJob(message.jobId, message.spec);
      case "assign":
        for (const assignment of message.assignments) this.#start(assignment);
        return;
      case "cancel":
        return this.#cancel(new Set(message.taskIds));
      case "shard-holders":
        this.#holders.set(message.shard, message.handles.filter((handle) => handle !== this.#shardHandle));
        if (this.#holders.size > 1000) this.#holders.delete(this.#holders.keys().next().value!);
        return;
      case "refused":
        this.#refused = message.reason;
        this.#log(`refused by the coordinator: ${JSON.stringify(message.reason)}`);
        this.#channel?.close("refused");
        return;
      case "error":
        this.#log(`the coordinator reports a protocol error: ${JSON.stringify(message.message)}`);
        this.#channel?.close(message.message);
        return;
    }
  }

  #welcome({ protocol, peerId, secret, shardHandle, heartbeatMs, shardBaseUrl }: Welcome): void {
    if (protocol !== PROTOCOL_VERSION) {
      this.#refused = `the coordinator speaks protocol ${protocol}, this volunteer ${PROTOCOL_VERSION}`;
      this.#log(this.#refused);
      this.#channel?.close("protocol mismatch");
      return;
    }
    const previous = this.#peerId;
    this.#peerId = peerId;
    this.#secret = secret;
    this.#shardHandle = shardHandle;
    this.#welcomed = true;
    this.#connects++;
    this.#options.shards.httpBase = new URL(shardBaseUrl, this.#options.coordinatorUrl).href;
    const again = previous === undefined ? "" : previous === peerId ? " (same peer id)" : ` (was ${previous})`;
    this.#log(`connected to the coordinator over ${this.#channel?.transport} as ${peerId}${again}`);
    this.#options.onWelcome?.({ peerId, shardHandle });
    this.#timers.push(setInterval(() => this.#send({ type: "heartbeat" }), heartbeatMs));
    this.#timers.push(setInterval(() => this.#requestWork(), this.#options.idlePollMs ?? heartbeatMs));
    for (const outcome of this.#reporter.takeForResend(Date.now())) this.#send(outcome);
    this.#requestWork();
  }

  #rememberJob(jobId: string, spec: JobSpec): void {
    this.#jobs.delete(jobId);
    this.#jobs.set(jobId, spec);
    if (this.#jobs.size <= JOBS_KEPT) return;
    const oldest = this.#jobs.keys().next().value!;
    this.#jobs.delete(oldest);
    this.#options.executor.forgetJob(oldest);
  }

  #requestWork(): void {
    const freeSlots = this.#options.threads - this.#tasks.size;
    if (freeSlots > 0) this.#send({ type: "request-work", freeSlots });
  }

  #start(assignment: Assignment): void {
    const key = `${assignment.attempt}\u0000${assignment.taskId}`;
    if (this.#tasks.has(key) || this.#reporter.has(assignment.taskId, assignment.attempt)) return;
    const running: Running = { assignment, cancel: new TaskCancel() };
    this.#tasks.set(key, running);
    void this.#execute(running).finally(() => {
      this.#tasks.delete(key);
      this.#requestWork();
    });
  }

  async #execute({ assignment, cancel }: Running): Promise<void> {
    const { taskId, attempt, jobId, task } = assignment;
    const started = Date.now();
    try {
      const spec = this.#jobs.get(jobId);
      if (!spec) throw new TaskError({ kind: "internal", message: `no job message for ${jobId} before its task` });
      const shard = assignment.shard === undefined ? undefined : { hash: assignment.shard, bytes: await this.#shard(assignment.shard) };
      if (cancel.cancelled) return;
      const result = await this.#options.executor.run({ jobId, spec, task, shard }, cancel);
      const values: Json[] = "outputs" in result ? result.outputs : [result.output];
      this.#done++;
      this.#reporter.report({
        type: "task-result",
        taskId,
        attempt,
        result: task.kind === "map" ? { outputs: values } : { output: values[0] ?? null },
        log: result.log,
        instructions: result.instructions,
        elapsedMs: Date.now() - started,
      });
    } catch (error) {
      if (cancel.cancelled) return;
      this.#failed++;
      const failure = TaskError.from(error).toData();
      const data: TaskFailureData = { kind: failure.kind, message: failure.message.slice(0, 16 * 1024) };
      if (failure.line !== undefined) data.line = failure.line;
      if (failure.traceback !== undefined) data.traceback = failure.traceback.slice(0, 64 * 1024);
      this.#reporter.report({ type: "task-failed", taskId, attempt, error: data });
    }
  }

  async #shard(hash: ShardHash): Promise<Uint8Array> {
    const fetcher = this.#options.shards;
    const held = await fetcher.store.has(hash);
    try {
      const bytes = await fetcher.get(hash, this.#holders.get(hash) ?? []);
      if (!held && !this.#announced.has(hash)) {
        this.#announced.add(hash);
        this.#send({ type: "shards-held", shards: [hash] });
      }
      return bytes;
    } catch (error) {
      throw new TaskError({ kind: "internal", message: `shard ${hash.slice(0, 12)}…: ${(error as Error).message}` });
    }
  }

  #cancel(taskIds: ReadonlySet<string>): void {
    for (const { assignment, cancel } of this.#tasks.values()) if (taskIds.has(assignment.taskId)) cancel.cancel();
    this.#reporter.drop(taskIds);
  }

  #send(message: WorkerToCoordinator): boolean {
    return this.#sendText(encodeMessage(message));
  }

  #sendText(text: string): boolean {
    const channel = this.#channel;
    if (!channel?.open) return false;
    channel.send(text);
    return true;
  }
}

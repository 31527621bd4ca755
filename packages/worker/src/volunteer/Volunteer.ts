import type { AttemptRef, CoordinatorToWorker, DonorHello, IceServer, Reach, VolunteerRuntime, Welcome, WorkerToCoordinator } from "@shoal/protocol";
import { encodeMessage, MESSAGE_LIMITS, parseCoordinatorMessage, PROTOCOL_VERSION, protocolMismatch } from "@shoal/protocol";
import type { Channel, TransportName } from "../channel/Channel.ts";
import type { ShardFetcher } from "../shards/ShardFetcher.ts";
import { backoffDelay } from "./backoff.ts";
import { OutcomeReporter } from "./OutcomeReporter.ts";
import type { Ticker } from "./Ticker.ts";
import { intervalTicker } from "./Ticker.ts";
import type { VolunteerExecutor } from "./VolunteerExecutor.ts";
import { VolunteerTasks } from "./VolunteerTasks.ts";

export interface VolunteerOptions {
  /** Opens a channel to the coordinator; called at start and on every reconnect. */
  connect: () => Promise<Channel>;
  executor: VolunteerExecutor;
  shards: ShardFetcher;
  /** Tasks run at once; announced in the hello. */
  threads: number;
  engines?: string[];
  /** Where this volunteer runs, said in the hello for the peers page. */
  runtime?: VolunteerRuntime;
  /** The clock of heartbeats and asks for work (default `setInterval`); a browser passes a Web Worker's, which hidden tabs do not throttle. */
  ticker?: Ticker;
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
  onWelcome?: (session: { peerId: string; shardHandle: string; iceServers: IceServer[] }) => void;
  /** Called with the fresh ICE servers (renewed TURN credentials) the coordinator sends while connected: use them for new data channels. */
  onIceServers?: (iceServers: IceServer[]) => void;
  /** Whom accepted work is credited to (a donor key, or an embedding site); said in every hello. Unset: anonymous. */
  donor?: DonorHello;
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

/**
 * A volunteer's side of the protocol, independent of runtime and transport: connect, hello,
 * pull work with credit, fetch shards, run tasks on the executor, report, heartbeat, honour
 * cancels, and reconnect with backoff (same peer id) whenever the channel drops or the
 * coordinator says something malformed. Every incoming message goes through the protocol parser.
 * The tasks themselves run in {@link VolunteerTasks}; their outcomes leave through {@link OutcomeReporter}.
 */
export class Volunteer {
  readonly #options: VolunteerOptions;
  readonly #tasks: VolunteerTasks;
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
  #timers: Array<() => void> = [];
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #connects = 0;

  constructor(options: VolunteerOptions) {
    this.#options = options;
    this.#reporter = new OutcomeReporter(options.resendWindowMs ?? 30_000, (text) => this.#welcomed && this.#sendText(text));
    this.#tasks = new VolunteerTasks({
      executor: options.executor,
      shards: options.shards,
      reporter: this.#reporter,
      announce: (message) => this.#send(message),
      settled: () => this.#requestWork(),
    });
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
    this.#tasks.cancelAll();
    this.#channel?.close("volunteer stopping");
    this.#wake?.();
    await this.#loop;
  }

  /** Tells the coordinator how other volunteers can reach this one (its connectivity check), so it names holders only where a channel can open. */
  reportReach(reach: Reach): void {
    this.#send({ type: "connectivity", reach });
  }

  status(): VolunteerStatus {
    const state = this.#refused !== undefined ? "refused" : this.#stopped ? "stopped" : this.#welcomed ? "connected" : "connecting";
    return {
      state,
      transport: this.#welcomed ? this.#channel?.transport : undefined,
      peerId: this.#peerId,
      running: this.#tasks.running,
      done: this.#tasks.done,
      failed: this.#tasks.failed,
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
      ...(this.#peerId === undefined || this.#secret === undefined ? {} : { peerId: this.#peerId, secret: this.#secret, running: this.#held() }),
      threads: this.#options.threads,
      engines: this.#options.engines ?? ["fengari"],
      ...(this.#options.runtime === undefined ? {} : { runtime: this.#options.runtime }),
      shards: (await this.#options.shards.store.list()).slice(0, MESSAGE_LIMITS.shards),
      ...(this.#options.donor === undefined ? {} : { donor: this.#options.donor }),
    });
    const reason = await closed;
    clearTimeout(welcomeTimer);
    for (const stop of this.#timers) stop();
    this.#timers = [];
    if (this.#welcomed) this.#log(`disconnected from the coordinator: ${reason}`);
    this.#welcomed = false;
    this.#channel = undefined;
    return welcomed;
  }

  /** What a reconnecting hello says it still holds, so the coordinator re-queues the rest at once: running tasks first. */
  #held(): AttemptRef[] {
    return [...this.#tasks.held(), ...this.#reporter.held()].slice(0, MESSAGE_LIMITS.running);
  }

  #handle(message: CoordinatorToWorker): void {
    switch (message.type) {
      case "welcome":
        return this.#welcome(message);
      case "ice-servers":
        return this.#options.onIceServers?.(message.iceServers);
      case "job":
        return this.#tasks.rememberJob(message.jobId, message.spec);
      case "assign":
        for (const assignment of message.assignments) this.#tasks.start(assignment);
        return;
      case "cancel":
        return this.#tasks.cancel(new Set(message.taskIds));
      case "shard-holders":
        return this.#tasks.setHolders(message.shard, message.handles.filter((handle) => handle !== this.#shardHandle));
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

  #welcome({ protocol, peerId, secret, shardHandle, heartbeatMs, shardBaseUrl, iceServers = [] }: Welcome): void {
    if (protocol !== PROTOCOL_VERSION) {
      this.#refused = protocolMismatch(PROTOCOL_VERSION, protocol);
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
    this.#options.onWelcome?.({ peerId, shardHandle, iceServers });
    const ticker = this.#options.ticker ?? intervalTicker;
    this.#timers.push(ticker(() => this.#send({ type: "heartbeat" }), heartbeatMs));
    this.#timers.push(ticker(() => this.#requestWork(), this.#options.idlePollMs ?? heartbeatMs));
    for (const outcome of this.#reporter.takeForResend(Date.now())) this.#send(outcome);
    this.#requestWork();
  }

  #requestWork(): void {
    const freeSlots = this.#options.threads - this.#tasks.running;
    if (freeSlots > 0) this.#send({ type: "request-work", freeSlots });
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
